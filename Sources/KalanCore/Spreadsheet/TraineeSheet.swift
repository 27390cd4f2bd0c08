import Foundation

/// Turns a staff spreadsheet into validated register rows, reporting every bad line and field.
/// Headers may be French or English, in any case, with or without accents.
public enum TraineeSheet {
    enum Column: String, CaseIterable {
        case staffNumber = "staff_number", givenName = "given_name", familyName = "family_name", sex, category, position
        case department, email, phone, active

        var isRequired: Bool { [.staffNumber, .givenName, .familyName, .sex].contains(self) }

        /// Header spellings, folded (lowercase, no accents, single spaces).
        var spellings: [String] {
            switch self {
            case .staffNumber: ["staff_number", "staff number", "matricule", "n matricule", "no matricule", "numero matricule", "employee id"]
            case .givenName: ["given_name", "given name", "prenom", "prenoms", "first name", "firstname"]
            case .familyName: ["family_name", "family name", "nom", "nom de famille", "last name", "lastname", "surname"]
            case .sex: ["sex", "sexe", "genre", "gender"]
            case .category: ["category", "categorie", "grade"]
            case .position: ["position", "poste", "fonction", "job title", "emploi"]
            case .department: ["department", "department_code", "department code", "direction", "service", "code direction", "departement"]
            case .email: ["email", "e-mail", "courriel", "mail", "adresse email"]
            case .phone: ["phone", "telephone", "tel", "numero de telephone", "mobile"]
            case .active: ["active", "actif", "statut", "status"]
            }
        }
    }

    static let forbiddenInNames = Set("<>{}[]|\\;=@#$%^*_~`\"".unicodeScalars)

    /// A name has a letter and none of the characters that only code or markup would use; one
    /// pass over the scalars, as it runs for every line of large files.
    static func isPlausibleName(_ text: String) -> Bool {
        var hasLetter = false, hasJoiner = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let v = scalar.value
                if (65...90).contains(v) || (97...122).contains(v) {
                    hasLetter = true
                } else if v < 0x20 || v == 0x7F || forbiddenInNames.contains(scalar) {
                    return false
                }
            } else if scalar.properties.generalCategory == .control || DisguisingCharacters.isDisguising(scalar) {
                return false
            } else if DisguisingCharacters.isJoiner(scalar) {
                hasJoiner = true
            } else if scalar.properties.isAlphabetic {
                hasLetter = true
            }
        }
        return hasLetter && !(hasJoiner && DisguisingCharacters.contains(text))
    }

    /// Characters that hide or reorder text: refused in positions and department names as in names
    /// (a position may hold a line break: a cell written on two lines).
    static func hidesCharacters(_ text: String) -> Bool { DisguisingCharacters.contains(text) }

    static func fold(_ text: String) -> String {
        // Most cells (F, M, oui, non) are short ASCII words: nothing to fold but the case.
        if text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) { return text.lowercased() }
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        return (ascii ? text : text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)).lowercased()
            .replacingOccurrences(of: "°", with: "").replacingOccurrences(of: "º", with: "").replacingOccurrences(of: ".", with: "")
            .split(separator: " ").joined(separator: " ")
    }

    /// A file read: the good rows, what is wrong (the file is refused), what was ignored (the
    /// file is taken), how it was encoded, and each column's name as the file's header says it.
    public struct Reading: Sendable {
        public var rows: [TraineeImportRow]
        public var problems: [ImportProblem]
        public var warnings: [ImportProblem]
        public var source: SheetFile.Source?
        public var headers: [String: String]
    }

    /// The department a file names by its code or by its French or English name, folded
    /// (case, accents, dots and repeated spaces aside).
    public static func department(_ named: String, in departments: [Department]) -> Department? {
        if let exact = departments.first(where: { $0.code == named }) { return exact }
        let folded = fold(named)
        return departments.first { fold($0.code) == folded } ?? departments.first { fold($0.nameFR) == folded || fold($0.nameEN) == folded }
    }

    public static func read(_ data: Data, workbooks: (any WorkbookReader)? = nil) -> (rows: [TraineeImportRow], problems: [ImportProblem]) {
        let reading = sheet(data, workbooks: workbooks)
        return (reading.rows, reading.problems)
    }

    /// The rows of a staff file: CSV, or with `workbooks` an `.xlsx` workbook too (`SheetFile`).
    public static func sheet(_ data: Data, workbooks: (any WorkbookReader)? = nil) -> Reading {
        let records: [CSVRecord]
        let source: SheetFile.Source
        do { (records, source) = try SheetFile.records(data, workbooks: workbooks) } catch {
            return Reading(rows: [], problems: [ImportProblem(line: error.line, column: nil, value: nil, reason: .file(error))], warnings: [], source: nil, headers: [:])
        }
        guard let header = records.first else {
            return Reading(
                rows: [], problems: [ImportProblem(line: 1, column: nil, value: nil, reason: .file(CSVError(line: 1, reason: .empty)))], warnings: [], source: source,
                headers: [:])
        }

        var problems: [ImportProblem] = []
        var warnings: [ImportProblem] = []
        var positions: [Column: Int] = [:]
        var headers: [String: String] = [:]
        for (index, name) in header.fields.enumerated() {
            let folded = fold(name)
            if folded.isEmpty { continue }
            // A column Kalan does not know is left out, and said so.
            guard let column = Column.allCases.first(where: { $0.spellings.contains(folded) }) else {
                warnings.append(ImportProblem(line: header.line, column: name, value: nil, reason: .unknownColumn))
                continue
            }
            positions[column] = index
            headers[column.rawValue] = name.nonEmptyNormalisedText ?? column.rawValue
        }
        for column in Column.allCases where column.isRequired && positions[column] == nil {
            problems.append(ImportProblem(line: header.line, column: column.rawValue, value: nil, reason: .missingColumn))
        }
        guard problems.isEmpty else { return Reading(rows: [], problems: problems, warnings: warnings, source: source, headers: headers) }

        var rows: [TraineeImportRow] = []
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            let checked = check(line: record.line, firstLine: &firstLine, header: { headers[$0.rawValue] ?? $0.rawValue }) { column in
                guard let index = positions[column], index < record.fields.count else { return nil }
                return record.fields[index].nonEmptyNormalisedText
            }
            if let row = checked.row { rows.append(row) }
            problems += checked.problems
        }
        return Reading(rows: rows, problems: problems, warnings: warnings, source: source, headers: headers)
    }
}
