import Foundation

/// A cohort report as rows of cells — the header, one line per group, the total — shared by the
/// CLI table, CSV and XLSX files and the statistics page. Rates are percentages with one decimal.
public enum CohortTable {
    public static func header(_ dimensions: [CohortDimension], language: Language) -> [String] {
        let fr = language == .fr
        return dimensions.map { name($0, language: language) }
            + (fr
                ? [
                    "inscriptions", "agents", "femmes %", "réussis", "échoués", "retirés", "achèvement %", "réussite %", "assiduité %", "score pré",
                    "score post", "gain", "certificats", "révoqués",
                ]
                : [
                    "enrolments", "staff", "women %", "completed", "failed", "withdrawn", "completion %", "pass %", "attendance %", "pre score",
                    "post score", "gain", "certificates", "revoked",
                ])
    }

    public static func name(_ dimension: CohortDimension, language: Language) -> String {
        guard language == .fr else { return dimension.rawValue }
        return switch dimension {
        case .session: "session"
        case .course: "formation"
        case .domain: "domaine"
        case .programme: "programme"
        case .partner: "partenaire"
        case .department: "direction"
        case .sex: "sexe"
        case .category: "catégorie"
        case .year: "année"
        case .quarter: "trimestre"
        case .month: "mois"
        }
    }

    public static func cells(_ f: CohortFigures) -> [SheetCell] {
        func count(_ n: Int) -> SheetCell { .number(Double(n)) }
        func percent(_ value: Double?) -> SheetCell { value.map { .decimal(($0 * 1000).rounded() / 10) } ?? .empty }
        func score(_ value: Double?) -> SheetCell { value.map { .decimal(($0 * 10).rounded() / 10) } ?? .empty }
        return [
            count(f.enrolments), count(f.trainees), percent(f.womenShare), count(f.statuses["completed"] ?? 0), count(f.statuses["failed"] ?? 0),
            count(f.statuses["withdrawn"] ?? 0), percent(f.completionRate), percent(f.passRate), percent(f.attendanceRate), score(f.meanPreScore),
            score(f.meanPostScore), score(f.meanGain), count(f.certificatesIssued), count(f.certificatesRevoked),
        ]
    }

    /// Header, groups and the total line.
    public static func rows(_ report: CohortReport, language: Language) -> [[SheetCell]] {
        let totalLabel: [SheetCell] = report.dimensions.isEmpty ? [] : [.text("Total")] + Array(repeating: .text(""), count: report.dimensions.count - 1)
        return [header(report.dimensions, language: language).map(SheetCell.text)]
            + report.groups.map { $0.group.map(SheetCell.text) + cells($0) }
            + [totalLabel + cells(report.total)]
    }

    /// A cell as text; `missing` stands for a rate or mean with nothing to divide by.
    public static func text(_ cell: SheetCell, missing: String = "") -> String {
        switch cell {
        case .text(let text): text
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .decimal(let value): String(format: "%.1f", value)
        case .empty: missing
        }
    }
}
