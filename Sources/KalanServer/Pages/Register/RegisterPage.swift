import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import KalanFiles

/// The staff register for HR and admins (viewers read it): search, pages by staff number, and the
/// spreadsheet import — the same all-or-nothing use case as `kalan trainee import`, with the
/// report of every bad line on the page.
struct RegisterPage: Sendable {
    let repository: any KalanRepository

    struct Row {
        var staff, path, family, given, sex, category, department, position, state: String
    }

    struct Pager {
        var count: String
        var first, next: String?
    }

    struct Problem {
        var line, column, value, reason: String
    }

    /// The import's report, shown before the register (with the form to send the file again).
    struct Problems {
        var heading: String
        var items: [Problem]
    }

    struct View {
        var search: String
        var rows: [Row]
        var hasRows: Bool
        var pager: Pager?
        var problems: Problems?
        var imports: Bool
    }

    static let pageSize = 100

    func list(_ request: Request, flash: PageContext.Flash? = nil, problems: Problems? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        try user.actor.require(.register)
        let language = page.language
        let parameters = request.formQuery
        var flash = flash
        if flash == nil, parameters.get("import") == "expired" { flash = .bad([page.t("import.expired")]) }
        let search = try Validate.text(parameters.get("search"), field: "search", max: 100, required: false) ?? ""
        let after = try Validate.text(parameters.get("after"), field: "after", max: 32, required: false)
        let filter = TraineeFilter(search: search.isEmpty ? nil : search, limit: Self.pageSize + 1, after: after.map { TraineeSortKey(staffNumber: $0) })
        let result = try await StaffQueries(repository: repository).list(filter, counted: true, actor: user.actor)
        let found = result.staff, total = result.total ?? 0
        let shown = found.prefix(Self.pageSize)
        let rows = shown.map { t in
            Row(
                staff: t.staffNumber, path: PageRequest.segment(t.staffNumber), family: t.familyName, given: t.givenName, sex: Names.sex(t.sex.rawValue, language), category: t.category ?? "",
                department: result.departments.name(of: t.departmentID, in: language) ?? "", position: t.position ?? "",
                state: page.t(t.active ? "register.active" : "register.inactive"))
        }
        let base = "/trainees?lang=\(language.rawValue)" + (search.isEmpty ? "" : "&search=\(PageRequest.encode(search))")
        let more = found.count > Self.pageSize
        let pager = Pager(
            count: page.t("hr.found", ["count": Format.number(Double(total), decimals: 0, language)]), first: after == nil ? nil : base,
            next: more ? shown.last.map { "\(base)&after=\(PageRequest.encode($0.staffNumber))" } : nil)
        let view = View(
            search: search, rows: rows, hasRows: !rows.isEmpty, pager: pager, problems: problems, imports: user.actor.managesRegister)
        return page.render("register", title: page.t("register.title"), view: view, flash: flash, wide: true, status: status)
    }

    func importSheet(_ request: Request) async throws -> Response {
        // Who sends it, from where and with which form token are known before the body is read:
        // a stranger's or a viewer's upload costs nothing (the token is also in the form's address).
        let page = PageRequest(request)
        guard request.head.isSameOrigin else { throw PageError.foreignForm }
        guard let signedIn = page.user else {
            // The session expired while the file was chosen: the login page, then the register,
            // which says that the file was not received.
            let back = PageRequest.encode("/trainees?lang=\(page.language.rawValue)&import=expired")
            return Response(status: .seeOther, headers: [.location: "/login?lang=\(page.language.rawValue)&next=\(back)"])
        }
        guard request.formQuery.get("csrf") == page.csrf else { throw PageError.foreignForm }
        guard signedIn.actor.managesRegister else { throw KalanError.forbidden }
        var request = request
        let data = try await request.collectBody(upTo: BodyLimitMiddleware<KalanRequestContext>.limit(path: "/trainees/import"))
        guard let form = MultipartForm(body: Array(data.readableBytesView), contentType: request.headers[.contentType] ?? "") else {
            throw PageError.foreignForm
        }
        // A file is not kept across a login: after an expired session the person chooses it again.
        try page.check([("dry_run", form.text("dry_run") ?? "")].filter { !$0.1.isEmpty }, token: form.text("csrf"))
        let user = try page.requireUser()
        guard let file = form["file"], !file.isEmpty else { throw KalanError.invalid(field: "file", problem: .required) }
        let dryRun = form.text("dry_run") != nil
        do {
            let summary = try await TraineeRegister(repository: repository).importSheet(Data(file), workbooks: XLSXSheetReader(), dryRun: dryRun, actor: user.actor)
            let text =
                (dryRun ? page.t("import.dry_run_prefix") + " " : "")
                + page.t("import.done", ["inserted": String(summary.inserted), "updated": String(summary.updated), "unchanged": String(summary.unchanged)])
            return try await list(request, flash: .ok([text] + summary.notes(in: page.language)))
        } catch let rejected as ImportRejected {
            let items = rejected.problems.prefix(500).map {
                Problem(line: $0.line.map(String.init) ?? "–", column: $0.column ?? "–", value: $0.value ?? "", reason: $0.message(in: page.language))
            }
            return try await list(
                request, flash: .bad([page.t("import.refused", ["count": String(rejected.problems.count)])]),
                problems: Problems(heading: page.t("import.report", ["count": String(rejected.problems.count), "shown": String(items.count)]), items: items),
                status: .unprocessableContent)
        }
    }
}
