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
        case format(expected: String)
        case tooLong(max: Int)
        case duplicate(firstLine: Int)
        case unknownDepartment
    }

    public init(line: Int?, column: String?, value: String?, reason: Reason) {
        self.line = line
        self.column = column
        self.value = value.map { $0.count > 60 ? String($0.prefix(57)) + "…" : $0 }
        self.reason = reason
    }

    public func message(in language: Language) -> String {
        let fr = language == .fr
        switch reason {
        case .file(let error): return error.message(in: language)
        case .missingColumn: return fr ? "colonne obligatoire absente" : "required column missing"
        case .unknownColumn: return fr ? "colonne inconnue" : "unknown column"
        case .required: return fr ? "valeur obligatoire" : "value required"
        case .format(let expected): return (fr ? "attendu : " : "expected: ") + expected
        case .tooLong(let max): return fr ? "\(max) caractères au plus" : "at most \(max) characters"
        case .duplicate(let first): return fr ? "matricule déjà présent ligne \(first)" : "staff number already on line \(first)"
        case .unknownDepartment: return fr ? "direction inconnue dans le registre" : "department not in the register"
        }
    }
}

/// An import refused as a whole: nothing was kept.
public struct ImportRejected: Error, Sendable, Equatable {
    public var problems: [ImportProblem]

    public init(problems: [ImportProblem]) { self.problems = problems }

    /// The report as an aligned table: line, column, value, reason.
    public func report(in language: Language) -> String {
        let fr = language == .fr
        let header = fr ? ["ligne", "colonne", "valeur", "motif"] : ["line", "column", "value", "reason"]
        let rows = problems.map { [$0.line.map(String.init) ?? "-", $0.column ?? "-", $0.value ?? "", $0.message(in: language)] }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == 3 ? c : c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
        }
        let title =
            fr
            ? "Import refusé : \(problems.count) problème(s), rien n'a été enregistré."
            : "Import refused: \(problems.count) problem(s), nothing was stored."
        return ([title, line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
