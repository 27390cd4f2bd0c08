import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import KalanFiles
import NIOCore

/// `/statistics/costs`: what training cost and who paid, per participant, completion and
/// certificate, grouped by funder, partner, programme, domain or year, with the partners'
/// contribution per year; the same filters as the cohort statistics, CSV and XLSX downloads.
/// Not for trainers.
struct MoneyStatisticsPage: Sendable {
    let repository: any KalanRepository

    struct Row {
        var cells: [StatisticsPage.Cell]
        var total: Bool
    }

    struct View {
        var filters: [StatisticsPage.Filter]
        var byOptions: [SelectOption]
        var from, to: String
        var links: String?
        var header: [String]
        var rows: [Row]
        var hasGroups: Bool
        var contributionHeader: [String]
        var contributions: [Row]
        var hasContributions: Bool
    }

    /// The form's question: the cohort filters and one money dimension.
    static func query(_ request: Request) throws -> MoneyQuery {
        let parameters = request.formQuery
        let by = try parameters.get("by").flatMap { $0.isEmpty ? nil : try Validate.choice($0, as: MoneyDimension.self, field: "by") }
        func code(_ field: String) throws -> String? {
            try Validate.text(parameters.get(field), field: field, max: 40, required: false).flatMap { $0.isEmpty ? nil : $0 }
        }
        var filters = CohortQuery()
        filters.partnerCode = try code("partner")
        filters.programmeCode = try code("programme")
        filters.departmentCode = try code("department")
        filters.domain = try code("domain")
        filters.courseCode = try code("course")
        filters.from = try parameters.get("from").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "from") }
        filters.to = try parameters.get("to").flatMap { $0.isEmpty ? nil : try Validate.day($0, field: "to") }
        return MoneyQuery(by: by, filters: filters)
    }

    func page(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let language = page.language
        var query = MoneyQuery(by: .funder)
        var report: MoneyReport?
        var flash: PageContext.Flash?
        var status = HTTPResponse.Status.ok
        do {
            query = try Self.query(request)
            if request.formQuery.get("by") == nil { query.by = .funder }
            report = try await SessionCosts(repository: repository).money(query, actor: user.actor)
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            flash = .bad([error.message(in: language)])
            status = .badRequest
        }
        let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
        let labels = StatisticsPage.labels(catalogue)
        func cells(_ row: [SheetCell]) -> [StatisticsPage.Cell] {
            row.map { cell in
                if case .text(let text) = cell { return StatisticsPage.Cell(text: text, number: false) }
                return StatisticsPage.Cell(text: MoneyTable.text(cell, language: language, missing: "–"), number: true)
            }
        }
        let table = report.map { MoneyTable.rows($0, language: language, labels: labels) } ?? []
        let contributions = report.map { MoneyTable.contributionRows($0, language: language) } ?? []
        let view = View(
            filters: StatisticsPage.filters(query.filters, labels: StatisticsPage.filterChoices(catalogue), page: page),
            byOptions: [SelectOption(code: "", label: page.t("cooperation.money.total"), selected: query.by == nil)]
                + SelectOption.all(MoneyDimension.self, chosen: query.by, language),
            from: query.filters.from.map { "\($0)" } ?? "", to: query.filters.to.map { "\($0)" } ?? "",
            links: report == nil ? nil : Self.parameters(query, language),
            header: table.first.map { $0.map { CohortTable.text($0) } } ?? [],
            rows: table.dropFirst().enumerated().map { Row(cells: cells($1), total: $0 == table.count - 2) },
            hasGroups: report.map { !$0.groups.isEmpty || $0.total.sessions > 0 } ?? false,
            contributionHeader: contributions.first.map { $0.map { CohortTable.text($0) } } ?? [],
            contributions: contributions.dropFirst().map { Row(cells: cells($0), total: false) }, hasContributions: contributions.count > 1)
        return page.render("money_statistics", title: page.t("cooperation.money.title"), view: view, flash: flash, wide: true, status: status)
    }

    func download(_ request: Request, xlsx: Bool) async throws -> Response {
        let language = request.language
        let page = PageRequest(request)
        guard let user = page.user else {
            guard request.wantsJSON else { throw PageError.signInRequired }
            return Problem(type: "/problems/unauthorized", title: page.t("login.to_continue"), status: 401).response()
        }
        let query: MoneyQuery
        let report: MoneyReport
        do {
            query = try Self.query(request)
            report = try await SessionCosts(repository: repository).money(query, actor: user.actor)
        } catch let error as KalanError {
            guard request.wantsJSON else { throw error }
            return Problem(
                type: "/problems/validation", title: error.message(in: language), status: 422,
                errors: error.field.map { [.init(field: $0, message: error.message(in: language))] }
            ).response()
        }
        let labels = StatisticsPage.labels(try await CatalogueQueries(repository: repository).labels(actor: user.actor))
        let rows = MoneyTable.rows(report, language: language, labels: labels)
        let contributions = MoneyTable.contributionRows(report, language: language)
        let name = Messages.text("cooperation.money.file_name", language) + (query.by.map { "-" + $0.rawValue } ?? "")
        if xlsx {
            let data = try XLSXWorkbook(sheets: [
                .init(name: Messages.text("cooperation.money.sheet", language), rows: rows),
                .init(name: String(Messages.text("cooperation.money.col.partner", language).prefix(31)), rows: contributions),
            ]).data()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .contentDisposition: "attachment; filename=\"\(name).xlsx\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let csv = CSVWriter.document(rows.map { $0.map { CohortTable.text($0, language: language) } }, separator: ";", byteOrderMark: true)
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    static func parameters(_ query: MoneyQuery, _ language: Language) -> String {
        var filters = query.filters
        filters.by = []
        var items = StatisticsPage.parameters(filters, language)
        if let by = query.by { items += "&by=\(by.rawValue)" }
        return items
    }
}
