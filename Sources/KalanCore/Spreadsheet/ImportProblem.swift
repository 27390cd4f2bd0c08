/// One thing wrong in an imported file: where (line, column), what value, and why.
public struct ImportProblem: Sendable, Equatable {
    public var line: Int?
    public var column: String?
    public var value: String?
    public var reason: Reason

    public enum Reason: Sendable, Equatable {
        case file(CSVError)
        case missingColumn
        case unknownColumn
        case required
        case format(FieldHint)
        case tooLong(max: Int)
        case duplicate(firstLine: Int)
        case unknownDepartment
        /// A character that hides or reorders text (`DisguisingCharacters`).
        case hiddenCharacters
    }

    public init(line: Int?, column: String?, value: String?, reason: Reason) {
        self.line = line
        self.column = column
        self.value = value.map { $0.count > 60 ? String($0.prefix(57)) + "…" : $0 }
        self.reason = reason
    }

    public func message(in language: Language) -> String {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text("import.problem.\(key)", language, values) }
        switch reason {
        case .file(let error): return error.message(in: language)
        case .missingColumn: return t("missing_column")
        case .unknownColumn: return t("unknown_column")
        case .required: return t("required")
        case .format(let hint): return t("format", ["expected": hint.text(in: language)])
        case .tooLong(let max): return t("too_long", ["max": String(max)])
        case .duplicate(let first): return t("duplicate", ["line": String(first)])
        case .unknownDepartment: return t("unknown_department")
        case .hiddenCharacters: return Messages.text("problem.control_characters", language)
        }
    }
}

/// An import refused as a whole: nothing was kept.
public struct ImportRejected: Error, Sendable, Equatable {
    public var problems: [ImportProblem]

    public init(problems: [ImportProblem]) { self.problems = problems }

    /// The report as an aligned table: line, column, value, reason.
    public func report(in language: Language) -> String {
        let header = ["line", "column", "value", "reason"].map { Messages.text("import.column.\($0)", language) }
        let rows = problems.map { [$0.line.map(String.init) ?? "-", $0.column ?? "-", $0.value ?? "", $0.message(in: language)] }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == 3 ? c : c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
        }
        let title = Messages.text("import.refused", language, ["count": String(problems.count)])
        return ([title, line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
