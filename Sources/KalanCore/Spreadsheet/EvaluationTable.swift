import Foundation

/// The evaluations as a table (CSV): one line per group, then one line per comment (no names);
/// the marks and comments of a group with fewer than 3 answers are left empty.
public enum EvaluationTable {
    public static func rows(_ figures: [SessionEvaluations.Figures], by dimension: EvaluationDimension, language: Language) -> [[String]] {
        func t(_ key: String) -> String { Messages.text(key, language) }
        func mark(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "" }
        func rate(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        var rows: [[String]] = [
            [
                t("staff.results.dimension.\(dimension.rawValue)"), t("staff.results.code"), t("staff.results.answers"), t("field.content"), t("field.trainer"),
                t("field.organisation"), t("field.usefulness"), t("staff.results.participants"), t("staff.results.completion"), t("staff.results.success"),
                t("field.comment"),
            ]
        ]
        for f in figures {
            rows.append([
                f.label(language), f.key, String(f.answers), mark(f.content), mark(f.trainer), mark(f.organisation), mark(f.usefulness), String(f.participants),
                rate(f.completionRate), rate(f.successRate), "",
            ])
            for comment in f.comments { rows.append([f.label(language), f.key, "", "", "", "", "", "", "", "", comment]) }
        }
        return rows
    }

    public static func csv(_ figures: [SessionEvaluations.Figures], by dimension: EvaluationDimension, language: Language) -> String {
        CSVWriter.document(rows(figures, by: dimension, language: language))
    }
}
