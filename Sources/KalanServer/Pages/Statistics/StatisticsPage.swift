import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import KalanFiles
import NIOCore

/// Cohort statistics for signed-in users: a form to group and filter, bar charts drawn as SVG on
/// the server (no script), the table, programme progress, and CSV and XLSX downloads of the same
/// figures. Groups are named as people know them (course titles, "T2 2025"); numbers carry the
/// language's decimal mark. Trainers see only the sessions they train; programme progress is not for them.
struct StatisticsPage: Sendable {
    let repository: any KalanRepository

    struct Cell {
        var text: String
        var number: Bool
    }

    struct Row {
        var cells: [Cell]
        var total: Bool
    }

    struct Bar {
        var label: String
        var labelX, labelY, x, y1, y2, w1, w2, t1x, t1y, t2x, t2y: Int
        var v1, v2: String
    }

    struct Chart {
        var width, height, labelWidth, legendText1, legend2, legendText2: Int
        var bars: [Bar]
        var limited: Bool
        /// The women's share means nothing when the groups are the sexes themselves: not drawn then.
        var share: Bool
    }

    struct Report {
        var hasGroups: Bool
        var chart: Chart?
        var header: [String]
        var rows: [Row]
    }

    struct Programme {
        var name, code, dates: String
        var percent: Int
        var percentText: String?
        var trained, enrolled: String
    }

    struct Programmes { var items: [Programme] }

    /// A filter select (partner, programme, department, domain, course) with its choices.
    struct Filter {
        var name, label: String
        var options: [SelectOption]
    }

    struct View {
        var filters: [Filter]
        var byOptions, thenOptions: [SelectOption]
        var from, to: String
        var links: String?
        var report: Report?
        var programmes: Programmes?
    }

    /// The query of the form's fields; the field at fault otherwise.
    static func query(_ request: Request) throws -> CohortQuery {
        let parameters = request.formQuery
        var query = CohortQuery()
        for field in ["by", "then"] {
            guard let value = parameters.get(field), !value.isEmpty else { continue }
            guard let dimension = CohortDimension(rawValue: value) else {
                throw KalanError.invalid(field: field, problem: .oneOf(CohortDimension.allCases.map(\.rawValue)))
            }
            if !query.by.contains(dimension) { query.by.append(dimension) }
        }
        // The filters the CLI offers (`kalan stats --partner … --programme … --department … --domain … --course …`).
        func code(_ field: String) throws -> String? {
            try Validate.text(parameters.get(field), field: field, max: 40, required: false).flatMap { $0.isEmpty ? nil : $0 }
        }
        query.partnerCode = try code("partner")
        query.programmeCode = try code("programme")
        query.departmentCode = try code("department")
        query.domain = try code("domain")
        query.courseCode = try code("course")
        query.from = try parameters.get("from").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "from") }
        query.to = try parameters.get("to").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "to") }
        return query
    }

    static func labels(_ catalogue: CatalogueQueries.Catalogue) -> CohortLabels {
        CohortLabels(courses: catalogue.courses, partners: catalogue.partners, programmes: catalogue.programmes, departments: catalogue.departments)
    }

    func page(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let language = page.language
        let statistics = CohortStatistics(repository: repository)
        var query = CohortQuery(by: [.course])
        var report: CohortReport?
        var flash: PageContext.Flash?
        var status = HTTPResponse.Status.ok
        do {
            let parsed = try Self.query(request)
            // A first visit, with no grouping asked for, groups by course.
            query = parsed
            if parsed.by.isEmpty && request.formQuery.get("by") == nil { query.by = [.course] }
            report = try await statistics.cohorts(query, actor: user.actor)
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            flash = .bad([error.message(in: language)])
            status = .badRequest
        }
        let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
        let labels = Self.labels(catalogue)
        func options(_ chosen: CohortDimension?) -> [SelectOption] { SelectOption.all(CohortDimension.self, chosen: chosen, language) }
        var programmes: Programmes?
        if user.role != .trainer {
            programmes = Programmes(items: try await statistics.programmeProgress(actor: user.actor).map { programme($0, language) })
        }
        let view = View(
            filters: Self.filters(query, labels: Self.filterChoices(catalogue), page: page),
            byOptions: options(query.by.first), thenOptions: options(query.by.count > 1 ? query.by[1] : nil),
            from: query.from.map { "\($0)" } ?? "", to: query.to.map { "\($0)" } ?? "",
            links: report == nil ? nil : Self.parameters(query, language),
            report: report.map { Self.report($0, labels: labels, language) }, programmes: programmes)
        return page.render("statistics", title: page.t("statistics.title"), view: view, flash: flash, wide: true, status: status)
    }

    func download(_ request: Request, xlsx: Bool) async throws -> Response {
        let language = request.language
        let page = PageRequest(request)
        guard let user = page.user else {
            // A browser goes to the login page and comes back to the download; a program gets 401.
            guard request.wantsJSON else { throw PageError.signInRequired }
            return Problem(type: "/problems/unauthorized", title: page.t("login.to_continue"), status: 401).response()
        }
        let report: CohortReport
        do {
            report = try await CohortStatistics(repository: repository).cohorts(try Self.query(request), actor: user.actor)
        } catch let error as KalanError {
            guard request.wantsJSON else { throw error }  // a browser: the refusal as a page
            return Problem(
                type: "/problems/validation", title: error.message(in: language), status: 422,
                errors: error.field.map { [.init(field: $0, message: error.message(in: language))] }
            ).response()
        }
        let labels = Self.labels(try await CatalogueQueries(repository: repository).labels(actor: user.actor))
        let rows = CohortTable.rows(report, language: language, labels: labels)
        // Named after what it holds: "cohortes-par-cours-puis-sexe", not "cohortes" whatever the grouping.
        let name = Self.fileName(try Self.query(request), language)
        if xlsx {
            let data = try XLSXWorkbook(sheets: [.init(name: Messages.text("cli.statistics.sheet", language), rows: rows)]).data()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .contentDisposition: "attachment; filename=\"\(name).xlsx\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // French Excel reads `28,1` as a number and `;` as the separator.
        let csv = CSVWriter.document(rows.map { $0.map { CohortTable.text($0, language: language) } }, separator: ";", byteOrderMark: true)
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    struct FilterChoices {
        var partners, programmes, departments, domains, courses: [(String, String)]
    }

    static func filterChoices(_ catalogue: CatalogueQueries.Catalogue) -> (Language) -> FilterChoices {
        let (partners, programmes, departments, courses) = (catalogue.partners, catalogue.programmes, catalogue.departments, catalogue.courses)
        return { language in
            let fr = language == .fr
            return FilterChoices(
                partners: partners.map { ($0.code, $0.name) }, programmes: programmes.map { ($0.code, fr ? $0.nameFR : $0.nameEN) },
                departments: departments.map { ($0.code, "\($0.code) — \($0.name(in: language))") },
                domains: Array(Set(courses.map(\.domain))).sorted().map { ($0, Names.domain($0, language)) },
                courses: courses.map { ($0.code, $0.title(in: language)) })
        }
    }

    static func filters(_ query: CohortQuery, labels: (Language) -> FilterChoices, page: PageRequest) -> [Filter] {
        let choices = labels(page.language)
        func filter(_ name: String, _ items: [(String, String)], _ chosen: String?) -> Filter {
            Filter(
                name: name, label: page.t("hr.statistics.\(name)"),
                options: [SelectOption(code: "", label: page.t("hr.statistics.all"), selected: chosen == nil)]
                    + items.map { SelectOption(code: $0.0, label: $0.1, selected: $0.0 == chosen) })
        }
        return [
            filter("partner", choices.partners, query.partnerCode), filter("programme", choices.programmes, query.programmeCode),
            filter("department", choices.departments, query.departmentCode), filter("domain", choices.domains, query.domain),
            filter("course", choices.courses, query.courseCode),
        ]
    }

    static func fileName(_ query: CohortQuery, _ language: Language) -> String {
        var words = [Messages.text("statistics.file_name", language)]
        for (index, dimension) in query.by.enumerated() {
            words.append(Messages.text(index == 0 ? "statistics.file_by" : "statistics.file_then", language))
            words.append(dimension.name(in: language))
        }
        let text = words.joined(separator: " ").folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        let slug = text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        return String(slug).split(separator: "-").joined(separator: "-")
    }

    static func parameters(_ query: CohortQuery, _ language: Language) -> String {
        var items = ["lang=\(language.rawValue)"]
        for (name, value) in [
            ("partner", query.partnerCode), ("programme", query.programmeCode), ("department", query.departmentCode), ("domain", query.domain),
            ("course", query.courseCode),
        ] {
            if let value { items.append("\(name)=\(PageRequest.encode(value))") }
        }
        if let first = query.by.first { items.append("by=\(first.rawValue)") }
        if query.by.count > 1 { items.append("then=\(query.by[1].rawValue)") }
        if let from = query.from { items.append("from=\(from)") }
        if let to = query.to { items.append("to=\(to)") }
        return items.joined(separator: "&")
    }

    static func report(_ report: CohortReport, labels: CohortLabels, _ language: Language) -> Report {
        let rows = CohortTable.rows(report, language: language, labels: labels)
        // A group where nobody has a result yet (sessions to come) has no completion rate to
        // speak of: "— à venir", not a "0 %" that reads as failure.
        let completion = report.dimensions.count + CohortTable.columns.firstIndex(of: "completion")!
        let pending = (report.groups + [report.total]).map(Self.isPending)
        let body = rows.dropFirst().enumerated().map { index, row in
            Row(
                cells: row.enumerated().map { column, cell in
                    if case .text = cell { return Cell(text: CohortTable.text(cell), number: false) }
                    if column == completion, pending[index] { return Cell(text: "— " + Messages.text("statistics.to_come", language), number: true) }
                    return Cell(text: CohortTable.text(cell, missing: "–", language: language), number: true)
                }, total: index == rows.count - 2)
        }
        let names = report.groups.map { group in
            zip(report.dimensions, group.group).map { labels.label($1, of: $0, language) }.joined(separator: " · ")
        }
        return Report(
            hasGroups: !report.groups.isEmpty, chart: report.groups.isEmpty ? nil : chart(report, names: names, language),
            header: rows.first.map { $0.map { CohortTable.text($0) } } ?? [], rows: body)
    }

    /// Nobody in the group has a result yet: people enrolled, none completed or failed.
    static func isPending(_ figures: CohortFigures) -> Bool {
        figures.count(.enrolled) > 0 && figures.count(.completed) + figures.count(.failed) == 0
    }

    /// Completion rate and women's share per group, as horizontal bars under each group's name
    /// (the name gets the whole width, so that it stays readable on a phone).
    static func chart(_ report: CohortReport, names: [String], _ language: Language) -> Chart {
        // 400 units wide, drawn at most 30rem wide: text of 17 units stays at least 12 px on a
        // 390 px phone (the chart then spans about 340 px) and about 20 px on a laptop.
        let width = 400, bar = 320, row = 62, top = 34
        let groups = Array(report.groups.prefix(40))
        let bars = groups.enumerated().map { i, group -> Bar in
            let y = top + i * row
            func length(_ rate: Double?) -> Int { Int(((rate ?? 0) * Double(bar)).rounded()) }
            func text(_ rate: Double?) -> String { rate.map { Format.percent($0, language) } ?? "–" }
            let name = names[i]
            let pending = isPending(group)
            let w1 = length(group.completionRate), w2 = length(group.womenShare)
            return Bar(
                label: name.count > 36 ? String(name.prefix(35)) + "…" : name, labelX: 0, labelY: y + 16, x: 0, y1: y + 24, y2: y + 41,
                w1: w1, w2: w2, t1x: w1 + 6, t1y: y + 36, t2x: w2 + 6, t2y: y + 53, v1: pending ? "— " + Messages.text("statistics.to_come", language) : text(group.completionRate),
                v2: text(group.womenShare))
        }
        return Chart(
            width: width, height: top + groups.count * row + 6, labelWidth: 0, legendText1: 22, legend2: 200, legendText2: 222, bars: bars,
            limited: report.groups.count > groups.count, share: !report.dimensions.contains(.sex))
    }

    func programme(_ p: ProgrammeProgress, _ language: Language) -> Programme {
        let share = min(1, p.progress ?? 0)
        return Programme(
            name: language == .fr ? p.nameFR : p.nameEN, code: p.code, dates: "\(Format.shortDay(p.startsOn, language)) → \(Format.shortDay(p.endsOn, language))",
            percent: Int((share * 100).rounded()), percentText: p.progress.map { Format.percent($0, language) },
            trained: Messages.text("statistics.trained", language, ["trained": String(p.trained), "target": String(p.target)]),
            enrolled: Messages.text("statistics.enrolled", language, ["count": String(p.enrolled)]))
    }
}
