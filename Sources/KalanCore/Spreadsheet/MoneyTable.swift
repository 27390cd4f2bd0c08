import Foundation

/// The money report as a table (page, CSV, XLSX): a heading row, one row per group, the total;
/// and the partners' contributions per year. Amounts in whole CFA francs.
public enum MoneyTable {
    public static let columns = [
        "sessions", "cost", "participants", "per_participant", "completions", "per_completion", "certificates", "per_certificate",
    ]

    public static func rows(_ report: MoneyReport, language: Language, labels: CohortLabels) -> [[SheetCell]] {
        let heading =
            [SheetCell.text(Messages.text("cooperation.money.col.group", language))]
            + columns.map { SheetCell.text(Messages.text("cooperation.money.col.\($0)", language)) }
        func amount(_ value: Int64?) -> SheetCell { value.map { .number(Double($0)) } ?? .empty }
        func row(_ name: String, _ f: MoneyFigures) -> [SheetCell] {
            [
                .text(name), .number(Double(f.sessions)), .number(Double(f.costXOF)), .number(Double(f.participants)), amount(f.perParticipant),
                .number(Double(f.completions)), amount(f.perCompletion), .number(Double(f.certificates)), amount(f.perCertificate),
            ]
        }
        let groups = report.groups.map { row(label($0.group, report.dimension, labels: labels, language), $0) }
        return [heading] + groups + [row(Messages.text("cooperation.money.total", language), report.total)]
    }

    public static func contributionRows(_ report: MoneyReport, language: Language) -> [[SheetCell]] {
        let heading = ["year", "partner", "contribution"].map { SheetCell.text(Messages.text("cooperation.money.col.\($0)", language)) }
        return [heading] + report.contributions.map { [.text(String($0.year)), .text($0.partnerName), .number(Double($0.xof))] }
    }

    /// A group's key as a reader names it: `state` → "l'État", `partner:ITRC` → the partner's name.
    public static func label(_ key: String, _ dimension: MoneyDimension?, labels: CohortLabels, _ language: Language) -> String {
        switch dimension {
        case .funder?:
            if key == "state" { return Messages.text("cooperation.payer.state", language) }
            if key.hasPrefix("partner:") { return labels.label(String(key.dropFirst(8)), of: .partner, language) }
            if key.hasPrefix("other:") { return String(key.dropFirst(6)) }
            return key
        case .partner?: return labels.label(key, of: .partner, language)
        case .programme?: return labels.label(key, of: .programme, language)
        case .domain?: return labels.label(key, of: .domain, language)
        case .year?, nil: return key
        }
    }

    /// Whole CFA francs as a reader writes them (`820 274`), for pages and CSV.
    public static func text(_ cell: SheetCell, language: Language, missing: String = "") -> String {
        switch cell {
        case .number(let value): Money.group(Int64(value), exponent: 0, language)
        case .empty: missing
        default: CohortTable.text(cell, missing: missing, language: language)
        }
    }
}
