import Foundation

/// A cohort report as rows of cells — the header, one line per group, the total — shared by the
/// CLI table, CSV and XLSX files and the statistics page. Rates are percentages with one decimal.
public enum CohortTable {
    public static let columns = [
        "enrolments", "trainees", "women", "completed", "failed", "withdrawn", "completion", "pass", "attendance", "pre", "post", "gain",
        "certificates", "revoked",
    ]

    public static func header(_ dimensions: [CohortDimension], language: Language) -> [String] {
        dimensions.map { $0.name(in: language) } + columns.map { Messages.text("stats.column.\($0)", language) }
    }

    public static func name(_ dimension: CohortDimension, language: Language) -> String { dimension.name(in: language) }

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

    /// Header, groups (named by `labels`: course titles, quarters in words…) and the total line.
    public static func rows(_ report: CohortReport, language: Language, labels: CohortLabels = CohortLabels()) -> [[SheetCell]] {
        let totalLabel: [SheetCell] =
            report.dimensions.isEmpty
            ? [] : [.text(Messages.text("stats.total", language))] + Array(repeating: .text(""), count: report.dimensions.count - 1)
        return [header(report.dimensions, language: language).map(SheetCell.text)]
            + report.groups.map { group in
                zip(report.dimensions, group.group).map { SheetCell.text(labels.label($1, of: $0, language)) } + cells(group)
            }
            + [totalLabel + cells(report.total)]
    }

    /// A cell as text; `missing` stands for a rate or mean with nothing to divide by.
    /// Decimals carry the language's mark (`28,1` in French, which Excel FR reads as a number).
    public static func text(_ cell: SheetCell, missing: String = "", language: Language = .en) -> String {
        switch cell {
        case .text(let text): text
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : Format.number(value, decimals: 6, language)
        case .decimal(let value): Format.fixed(value, decimals: 1, language)
        case .empty: missing
        }
    }
}

/// What a group key means to a reader: a course's title rather than its code, a partner's or
/// department's name, a domain or sex in words, a quarter as "T2 2025". Codes it does not know
/// stay as they are.
public struct CohortLabels: Sendable {
    var courses: [String: (fr: String, en: String)] = [:]
    var partners: [String: String] = [:]
    var programmes: [String: (fr: String, en: String)] = [:]
    var departments: [String: (fr: String, en: String)] = [:]

    public init() {}

    public init(courses: [Course], partners: [Partner], programmes: [Programme], departments: [Department]) {
        for c in courses { self.courses[c.code] = (c.titleFR, c.titleEN) }
        for p in partners { self.partners[p.code] = p.name }
        for p in programmes { self.programmes[p.code] = (p.nameFR, p.nameEN) }
        for d in departments { self.departments[d.code] = (d.nameFR, d.nameEN) }
    }

    public func label(_ key: String, of dimension: CohortDimension, _ language: Language) -> String {
        let fr = language == .fr
        if key.isEmpty { return Messages.text("stats.unknown_group", language) }
        switch dimension {
        case .course: return courses[key].map { fr ? $0.fr : $0.en } ?? key
        case .partner: return partners[key] ?? key
        case .programme: return programmes[key].map { fr ? $0.fr : $0.en } ?? key
        case .department: return departments[key].map { fr ? $0.fr : $0.en } ?? key
        case .domain: return Names.domain(key, language)
        case .sex: return Messages.optionalText("sex.plural.\(key)", language) ?? key
        case .quarter, .month: return Format.period(key, language)
        case .session, .category, .year: return key
        }
    }
}
