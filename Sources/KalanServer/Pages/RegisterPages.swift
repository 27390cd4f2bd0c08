import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The staff register for HR and admins (viewers read it): search, pages by staff number, and the
/// spreadsheet import — the same all-or-nothing use case as `kalan trainee import`, with the
/// report of every bad line on the page.
struct RegisterPages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    func addRoutes(to router: Router<KalanRequestContext>) {
        router.get("trainees") { request, _ in try await list(request) }
        router.post("trainees/import") { request, _ in try await importSheet(request) }
    }

    func list(_ request: Request, notice: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (user, csrf) = try await accounts.signedIn(request) else {
            return HTML.toLogin(language)
        }
        guard user.role != .trainer else {
            return HTML.page(
                title: "403", language: language,
                body: "<div class=\"card\"><p class=\"verdict bad\">\(HTML.escape(KalanError.forbidden.message(in: language)))</p></div>", status: .forbidden)
        }
        let parameters = request.uri.queryParameters
        let search = parameters.get("search").map { String($0.prefix(100)) } ?? ""
        let after = parameters.get("after").map { String($0.prefix(32)) }
        let filter = TraineeFilter(search: search.isEmpty ? nil : search, limit: 101, after: after.map { TraineeSortKey(staffNumber: $0) })
        let (found, departments) = try await repository.transaction { work in (try await work.trainees(filter), try await work.departments()) }
        let page = found.prefix(100)
        let codes = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0.code) })
        var rows = ""
        for t in page {
            rows += "<tr><td>\(HTML.escape(t.staffNumber))</td><td>\(HTML.escape(t.familyName))</td><td>\(HTML.escape(t.givenName))</td><td>\(t.sex)</td>"
            rows += "<td>\(HTML.escape(t.category ?? ""))</td><td>\(HTML.escape(t.departmentID.flatMap { codes[$0] } ?? ""))</td><td>\(HTML.escape(t.position ?? ""))</td>"
            rows += "<td>\(t.active ? (fr ? "actif" : "active") : (fr ? "inactif" : "inactive"))</td></tr>"
        }
        let query = "lang=\(language.rawValue)" + (search.isEmpty ? "" : "&amp;search=\(HTML.escape(search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))")
        let next = found.count > 100 ? page.last.map { "<p><a href=\"/trainees?\(query)&amp;after=\(HTML.escape($0.staffNumber.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))\">\(fr ? "Page suivante →" : "Next page →")</a></p>" } ?? "" : ""
        var body = """
            <div class="card"><h1>\(fr ? "Registre du personnel" : "Staff register")</h1>\(notice)
            <form method="get" action="/trainees" class="filters"><input type="hidden" name="lang" value="\(language.rawValue)">
            <div><label for="search">\(fr ? "Nom ou matricule" : "Name or staff number")</label><input id="search" name="search" value="\(HTML.escape(search))" maxlength="100"></div>
            <div><button type="submit">\(fr ? "Chercher" : "Search")</button></div></form>
            <div class="scroll"><table><thead><tr><th>\(fr ? "matricule" : "staff no.")</th><th>\(fr ? "nom" : "family name")</th><th>\(fr ? "prénom" : "given name")</th><th>\(fr ? "sexe" : "sex")</th><th>\(fr ? "catégorie" : "category")</th><th>\(fr ? "direction" : "department")</th><th>\(fr ? "fonction" : "position")</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table></div>\(page.isEmpty ? "<p>\(fr ? "Personne ne correspond." : "Nobody matches.")</p>" : "")\(next)</div>
            """
        if user.actor.managesRegister {
            body += """
                <div class="card"><h2>\(fr ? "Importer un tableur (CSV)" : "Import a spreadsheet (CSV)")</h2>
                <p class="muted">\(fr ? "Virgules ou points-virgules, UTF-8 avec ou sans BOM, en-têtes en français ou en anglais (matricule, prénom, nom, sexe, catégorie, fonction, direction, courriel, téléphone, actif). Mise à jour par matricule. Tout ou rien : une ligne fausse refuse le fichier et rien n'est enregistré." : "Commas or semicolons, UTF-8 with or without BOM, French or English headers (staff_number, given_name, family_name, sex, category, position, department, email, phone, active). Updates by staff number. All or nothing: one bad line refuses the file and nothing is stored.")</p>
                <form method="post" action="/trainees/import?lang=\(language.rawValue)" enctype="multipart/form-data"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <label for="file">\(fr ? "Fichier" : "File")</label><input id="file" name="file" type="file" accept=".csv,text/csv" required>
                <label class="inline"><input type="checkbox" name="dry_run" value="1"> \(fr ? "Vérifier seulement (ne rien enregistrer)" : "Check only (store nothing)")</label>
                <div><button type="submit">\(fr ? "Importer" : "Import")</button></div></form></div>
                """
        }
        return HTML.page(title: fr ? "Registre" : "Register", language: language, body: body, status: status, wide: true)
    }

    func importSheet(_ request: Request) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        var request = request
        let data = try await request.collectBody(upTo: 20 * 1024 * 1024)
        guard let (user, csrf) = try await accounts.signedIn(request), request.head.isSameOrigin,
            let form = MultipartForm(body: Array(data.readableBytesView), contentType: request.headers[.contentType] ?? ""), form.text("csrf") == csrf
        else {
            return HTML.staleForm(language)
        }
        guard let file = form["file"], !file.isEmpty else {
            let message = KalanError.invalid(field: "file", problem: .required).message(in: language)
            return try await list(request, notice: "<p class=\"verdict bad\" role=\"alert\">\(HTML.escape(message))</p>", status: .unprocessableContent)
        }
        let dryRun = form.text("dry_run") != nil
        do {
            let summary = try await TraineeRegister(repository: repository).importSheet(Data(file), dryRun: dryRun, actor: user.actor)
            let prefix = dryRun ? (fr ? "Vérification seule, rien n'est enregistré : " : "Check only, nothing stored: ") : ""
            let text = prefix + (fr
                ? "\(summary.inserted) ajouté(s), \(summary.updated) mis à jour, \(summary.unchanged) inchangé(s)."
                : "\(summary.inserted) added, \(summary.updated) updated, \(summary.unchanged) unchanged.")
            return try await list(request, notice: "<p class=\"verdict ok\" role=\"status\">\(HTML.escape(text))</p>")
        } catch let rejected as ImportRejected {
            var table = "<p class=\"verdict bad\" role=\"alert\">\(HTML.escape(fr ? "Import refusé : \(rejected.problems.count) problème(s), rien n'a été enregistré." : "Import refused: \(rejected.problems.count) problem(s), nothing was stored."))</p>"
            table += "<div class=\"scroll\"><table><thead><tr><th>\(fr ? "ligne" : "line")</th><th>\(fr ? "colonne" : "column")</th><th>\(fr ? "valeur" : "value")</th><th>\(fr ? "motif" : "reason")</th></tr></thead><tbody>"
            for problem in rejected.problems.prefix(500) {
                table += "<tr><td>\(problem.line.map(String.init) ?? "–")</td><td>\(HTML.escape(problem.column ?? "–"))</td><td>\(HTML.escape(problem.value ?? ""))</td><td>\(HTML.escape(problem.message(in: language)))</td></tr>"
            }
            table += "</tbody></table></div>"
            return try await list(request, notice: table, status: .unprocessableContent)
        } catch let error as KalanError {
            return try await list(request, notice: "<p class=\"verdict bad\" role=\"alert\">\(HTML.escape(error.message(in: language)))</p>", status: .unprocessableContent)
        }
    }
}
