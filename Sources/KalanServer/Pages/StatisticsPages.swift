import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Cohort statistics for signed-in users: a form to group and filter, bar charts drawn as SVG on
/// the server (no script), the table, programme progress, and CSV and XLSX downloads of the same
/// figures. Trainers see only the sessions they train; programme progress is not for them.
struct StatisticsPages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    func addRoutes(to router: Router<KalanRequestContext>) {
        router.get("statistics") { request, _ in try await page(request) }
        router.get("statistics/cohorts.csv") { request, _ in try await download(request, xlsx: false) }
        router.get("statistics/cohorts.xlsx") { request, _ in try await download(request, xlsx: true) }
    }

    /// The query of the form's fields; the field at fault otherwise.
    static func query(_ request: Request) throws -> CohortQuery {
        let parameters = request.uri.queryParameters
        var query = CohortQuery()
        for field in ["by", "then"] {
            guard let value = parameters.get(field), !value.isEmpty else { continue }
            guard let dimension = CohortDimension(rawValue: value) else {
                throw KalanError.invalid(field: field, problem: .oneOf(CohortDimension.allCases.map(\.rawValue)))
            }
            if !query.by.contains(dimension) { query.by.append(dimension) }
        }
        query.from = try parameters.get("from").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "from") }
        query.to = try parameters.get("to").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "to") }
        return query
    }

    func page(_ request: Request) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let user = try await accounts.signedIn(request)?.user else {
            return HTML.toLogin(language)
        }
        let statistics = CohortStatistics(repository: repository)
        var body = "<div class=\"card\"><h1>\(fr ? "Statistiques des cohortes" : "Cohort statistics")</h1>"
        var query = CohortQuery(by: [.course])
        let report: CohortReport
        do {
            let parsed = try Self.query(request)
            // A first visit, with no grouping asked for, groups by course.
            query = parsed.by.isEmpty && request.uri.queryParameters.get("by") == nil ? CohortQuery(by: [.course], from: parsed.from, to: parsed.to) : parsed
            report = try await statistics.cohorts(query, actor: user.actor)
        } catch let error as KalanError {
            body += "<p class=\"verdict bad\" role=\"alert\">\(HTML.escape(error.message(in: language)))</p>" + form(query, language) + "</div>"
            return HTML.page(title: fr ? "Statistiques" : "Statistics", language: language, body: body, status: .badRequest)
        }
        body += form(query, language)
        let links = Self.parameters(query, language)
        body += "<p class=\"muted\">\(fr ? "Télécharger" : "Download") : <a href=\"/statistics/cohorts.csv?\(links)\">CSV</a> · <a href=\"/statistics/cohorts.xlsx?\(links)\">Excel (XLSX)</a></p></div>"
        body += "<div class=\"card\">" + Self.chart(report, language) + Self.table(report, language) + "</div>"
        if user.role != .trainer {
            body += "<div class=\"card\">" + Self.programmes(try await statistics.programmeProgress(actor: user.actor), language) + "</div>"
        }
        return HTML.page(title: fr ? "Statistiques" : "Statistics", language: language, body: body, wide: true)
    }

    func download(_ request: Request, xlsx: Bool) async throws -> Response {
        let language = request.language
        guard let user = try await accounts.signedIn(request)?.user else {
            return Problem(type: "/problems/unauthorized", title: language == .fr ? "Connexion requise" : "Login required", status: 401).response()
        }
        let report: CohortReport
        do {
            report = try await CohortStatistics(repository: repository).cohorts(try Self.query(request), actor: user.actor)
        } catch let error as KalanError {
            return Problem(
                type: "/problems/validation", title: error.message(in: language), status: 422,
                errors: error.field.map { [.init(field: $0, message: error.message(in: language))] }
            ).response()
        }
        let rows = CohortTable.rows(report, language: language)
        let name = language == .fr ? "cohortes" : "cohorts"
        if xlsx {
            let data = XLSXWorkbook(sheets: [.init(name: language == .fr ? "Cohortes" : "Cohorts", rows: rows)]).data
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .contentDisposition: "attachment; filename=\"\(name).xlsx\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let csv = CSVWriter.document(rows.map { $0.map { CohortTable.text($0) } }, separator: ";", byteOrderMark: true)
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    static func parameters(_ query: CohortQuery, _ language: Language) -> String {
        var items = ["lang=\(language.rawValue)"]
        if let first = query.by.first { items.append("by=\(first.rawValue)") }
        if query.by.count > 1 { items.append("then=\(query.by[1].rawValue)") }
        if let from = query.from { items.append("from=\(from)") }
        if let to = query.to { items.append("to=\(to)") }
        return items.joined(separator: "&amp;")
    }

    func form(_ query: CohortQuery, _ language: Language) -> String {
        let fr = language == .fr
        func select(_ name: String, _ label: String, _ chosen: CohortDimension?, allowNone: Bool) -> String {
            var options = allowNone ? "<option value=\"\">—</option>" : ""
            for dimension in CohortDimension.allCases {
                let selected = dimension == chosen ? " selected" : ""
                options += "<option value=\"\(dimension.rawValue)\"\(selected)>\(HTML.escape(CohortTable.name(dimension, language: language)))</option>"
            }
            return "<label for=\"\(name)\">\(label)</label><select id=\"\(name)\" name=\"\(name)\">\(options)</select>"
        }
        return """
            <form method="get" action="/statistics" class="filters"><input type="hidden" name="lang" value="\(language.rawValue)">
            <div>\(select("by", fr ? "Regrouper par" : "Group by", query.by.first, allowNone: true))</div>
            <div>\(select("then", fr ? "puis par" : "then by", query.by.count > 1 ? query.by[1] : nil, allowNone: true))</div>
            <div><label for="from">\(fr ? "Sessions du" : "Sessions from")</label><input id="from" name="from" type="date" value="\(query.from.map { "\($0)" } ?? "")"></div>
            <div><label for="to">\(fr ? "au" : "to")</label><input id="to" name="to" type="date" value="\(query.to.map { "\($0)" } ?? "")"></div>
            <div><button type="submit">\(fr ? "Afficher" : "Show")</button></div>
            </form>
            """
    }

    /// Completion rate and women's share per group, as horizontal bars.
    static func chart(_ report: CohortReport, _ language: Language) -> String {
        let fr = language == .fr
        guard !report.groups.isEmpty else {
            return "<p>\(fr ? "Aucune inscription pour ces critères." : "No enrolment matches.")</p>"
        }
        let groups = report.groups.prefix(40)
        let label = 220, bar = 420, row = 34, top = 30
        let height = top + groups.count * row + 10
        var svg = """
            <svg class="chart" viewBox="0 0 \(label + bar + 70) \(height)" role="img" aria-label="\(fr ? "Taux d'achèvement et part des femmes" : "Completion rate and women's share")" xmlns="http://www.w3.org/2000/svg" font-size="13">
            <rect x="\(label)" y="6" width="12" height="12" fill="#15803d"/><text x="\(label + 18)" y="17">\(fr ? "achèvement" : "completion")</text>
            <rect x="\(label + 130)" y="6" width="12" height="12" fill="#b45309"/><text x="\(label + 148)" y="17">\(fr ? "part des femmes" : "women's share")</text>
            """
        for (i, group) in groups.enumerated() {
            let y = top + i * row
            let name = group.group.map { $0.isEmpty ? "—" : $0 }.joined(separator: " · ")
            svg += "<text x=\"\(label - 8)\" y=\"\(y + 19)\" text-anchor=\"end\">\(HTML.escape(String(name.prefix(30))))</text>"
            for (k, (rate, colour)) in [(group.completionRate, "#15803d"), (group.womenShare, "#b45309")].enumerated() {
                let width = Int(((rate ?? 0) * Double(bar)).rounded())
                let text = rate.map { String(format: "%.0f %%", $0 * 100) } ?? "–"
                svg += "<rect x=\"\(label)\" y=\"\(y + 3 + k * 14)\" width=\"\(width)\" height=\"12\" fill=\"\(colour)\"/>"
                svg += "<text x=\"\(label + width + 6)\" y=\"\(y + 13 + k * 14)\" font-size=\"11\">\(text)</text>"
            }
        }
        return svg + "</svg>" + (report.groups.count > groups.count ? "<p class=\"muted\">\(fr ? "Graphique limité aux 40 premiers groupes." : "Chart shows the first 40 groups.")</p>" : "")
    }

    static func table(_ report: CohortReport, _ language: Language) -> String {
        let rows = CohortTable.rows(report, language: language)
        var html = "<div class=\"scroll\"><table><thead><tr>" + rows[0].map { "<th>\(HTML.escape(CohortTable.text($0)))</th>" }.joined() + "</tr></thead><tbody>"
        for (index, row) in rows.dropFirst().enumerated() {
            let total = index == rows.count - 2
            html += (total ? "<tr class=\"total\">" : "<tr>") + row.map { cell in
                if case .text = cell { return "<td>\(HTML.escape(CohortTable.text(cell)))</td>" }
                return "<td class=\"n\">\(CohortTable.text(cell, missing: "–"))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    static func programmes(_ programmes: [ProgrammeProgress], _ language: Language) -> String {
        let fr = language == .fr
        var html = "<h2>\(fr ? "Programmes : avancement vers la cible" : "Programmes: progress towards target")</h2>"
        guard !programmes.isEmpty else { return html + "<p>\(fr ? "Aucun programme." : "No programme.")</p>" }
        for p in programmes {
            let share = min(1, p.progress ?? 0)
            html += """
                <div class="progress"><div><strong>\(HTML.escape(fr ? p.nameFR : p.nameEN))</strong> <span class="muted">\(HTML.escape(p.code)) · \(p.startsOn) → \(p.endsOn)</span></div>
                <div class="meter"><span style="width:\(Int((share * 100).rounded()))%"></span></div>
                <div class="muted">\(p.trained) / \(p.target) \(fr ? "agents formés" : "staff trained")\(p.progress.map { String(format: " (%.0f %%)", $0 * 100) } ?? "") · \(p.enrolled) \(fr ? "inscrits" : "enrolled")</div></div>
                """
        }
        return html
    }
}
