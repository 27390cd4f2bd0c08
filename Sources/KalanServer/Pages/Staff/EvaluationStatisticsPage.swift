import Foundation
import Hummingbird
import KalanCore

/// The evaluations beside the cohort statistics (issue 26): per session, course, partner or
/// trainer, the mean marks and comments (no names), nothing shown below 3 answers; as a page and
/// as CSV. HR, admins and viewers; trainers are refused.
struct EvaluationStatisticsPage: Sendable {
    let evaluations: SessionEvaluations

    func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("statistics/evaluations") { request, _ in try await page(PageRequest(request)) }
        group.get("statistics/evaluations.csv") { request, _ in try await download(PageRequest(request)) }
    }

    struct Dimension {
        var code, label: String
        var current: Bool
    }

    struct Row {
        var label, answers: String
        var shown: Bool
        var content, trainer, organisation, usefulness, completion, success, hidden: String
        var comments: [String]
        var hasComments: Bool
    }

    struct View {
        var by, group, threshold: String
        var dimensions: [Dimension]
        var rows: [Row]
        var hasRows, commented: Bool
    }

    static func dimension(_ page: PageRequest) throws -> EvaluationDimension {
        guard let text = page.request.formQuery.get("by"), !text.isEmpty else { return .session }
        return try Validate.choice(text, as: EvaluationDimension.self, field: "by")
    }

    func page(_ page: PageRequest) async throws -> Response {
        let actor = try page.requireUser().actor
        let by = try Self.dimension(page)
        let figures = try await evaluations.figures(by: by, actor: actor)
        let language = page.language
        func mark(_ value: Double?) -> String { value.map { Format.number($0, decimals: 1, language) } ?? "" }
        func rate(_ value: Double?) -> String { value.map { Format.percent($0, language) } ?? "—" }
        let rows = figures.map { f in
            Row(
                label: f.label(language), answers: String(f.answers), shown: f.shown, content: mark(f.content), trainer: mark(f.trainer),
                organisation: mark(f.organisation), usefulness: mark(f.usefulness), completion: rate(f.completionRate), success: rate(f.successRate),
                hidden: page.t("staff.results.hidden", ["count": String(SessionEvaluations.threshold)]), comments: f.comments, hasComments: !f.comments.isEmpty)
        }
        let view = View(
            by: by.rawValue, group: page.t("staff.results.dimension.\(by.rawValue)"),
            threshold: page.t("staff.results.threshold", ["count": String(SessionEvaluations.threshold)]),
            dimensions: EvaluationDimension.allCases.map { Dimension(code: $0.rawValue, label: page.t("staff.results.dimension.\($0.rawValue)"), current: $0 == by) },
            rows: rows, hasRows: !rows.isEmpty, commented: rows.contains { $0.hasComments })
        return page.render("evaluation_statistics", title: page.t("staff.results.title"), view: view, wide: true)
    }

    func download(_ page: PageRequest) async throws -> Response {
        let actor = try page.requireUser().actor
        let by = try Self.dimension(page)
        let csv = EvaluationTable.csv(try await evaluations.figures(by: by, actor: actor), by: by, language: page.language)
        return CertificatePages.download(Data(csv.utf8), type: "text/csv; charset=utf-8", name: "evaluations-\(by.rawValue).csv")
    }
}
