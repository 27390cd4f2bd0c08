import Foundation

extension TraineeSheet {
    /// One staff member's fields checked, the one validation of a staff record: a spreadsheet's
    /// line, the staff form, the API and the CLI. The row when all is well, else every field's
    /// problem (named by `header`); a staff number already seen on an earlier line of the same
    /// file (`firstLine`) is a duplicate.
    static func check(
        line: Int, firstLine: inout [String: Int], header: (Column) -> String, value: (Column) -> String?
    ) -> (row: TraineeImportRow?, problems: [ImportProblem]) {
        var lineProblems: [ImportProblem] = []
        func fail(_ column: Column, _ reason: ImportProblem.Reason) {
            lineProblems.append(ImportProblem(line: line, column: header(column), value: value(column), reason: reason))
        }
        func name(_ column: Column) -> String {
            guard let text = value(column) else { fail(column, .required); return "" }
            let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            if collapsed.count > FieldLimits.name { fail(column, .tooLong(max: FieldLimits.name)) }
            if !Self.isPlausibleName(collapsed) { fail(column, .format(.name)) }
            return collapsed
        }
        let number = value(.staffNumber) ?? ""
        if number.isEmpty {
            fail(.staffNumber, .required)
        } else if !TextPattern.isStaffNumber(number) {
            fail(.staffNumber, .format(.staffNumber))
        } else if let first = firstLine[number] {
            fail(.staffNumber, .duplicate(firstLine: first))
        } else {
            firstLine[number] = line
        }
        let given = name(.givenName), family = name(.familyName)
        var sex = Sex.female
        switch value(.sex).map(fold) {
        case "f", "femme", "female", "feminin", "w": sex = .female
        case "m", "h", "homme", "male", "masculin": sex = .male
        case nil: fail(.sex, .required)
        default: fail(.sex, .format(.sex))
        }
        let category = value(.category)?.uppercased()
        if let category, !TextPattern.isCategory(category) { fail(.category, .format(.category)) }
        let position = value(.position)
        if let position, position.count > FieldLimits.position {
            fail(.position, .tooLong(max: FieldLimits.position))
        } else if let position, Self.hidesCharacters(position) {
            fail(.position, .hiddenCharacters)
        }
        // A code or a name: matched against the register when the file is imported.
        let department = value(.department)
        if let department, department.count > FieldLimits.position {
            fail(.department, .tooLong(max: FieldLimits.position))
        } else if let department, Self.hidesCharacters(department) {
            fail(.department, .hiddenCharacters)
        }
        let email = value(.email)?.lowercased()
        if let email, email.count > FieldLimits.email {
            fail(.email, .tooLong(max: FieldLimits.email))
        } else if let email, !TextPattern.isEmail(email) {
            fail(.email, .format(.email))
        }
        let phone = value(.phone)
        if let phone, !TextPattern.isPhone(phone) { fail(.phone, .format(.phone)) }
        var active = true
        switch value(.active).map(fold) {
        case nil, "oui", "yes", "true", "1", "actif", "active", "o", "y": active = true
        case "non", "no", "false", "0", "inactif", "inactive", "n": active = false
        default: fail(.active, .format(.yesNo))
        }
        guard lineProblems.isEmpty else { return (nil, lineProblems) }
        let row = TraineeImportRow(
            line: line, staffNumber: number, givenName: given, familyName: family, sex: sex, category: category, position: position,
            departmentCode: department, email: email, phone: phone, active: active)
        return (row, [])
    }

    /// One record typed by a person (the form, the API, `kalan trainee add`), fields by their
    /// column names (`staff_number`, `given_name`…): the row, or each field's problem.
    public static func check(fields: [String: String]) -> (row: TraineeImportRow?, problems: [ImportProblem]) {
        var seen: [String: Int] = [:]
        return check(line: 1, firstLine: &seen, header: \.rawValue) { column in fields[column.rawValue]?.nonEmptyNormalisedText }
    }
}

extension ImportProblem {
    /// A typed record's problem as a field's refusal, worded by the catalogue like any other.
    public var fieldError: KalanError {
        let field = column ?? "staff_number"
        return switch reason {
        case .required, .missingColumn: .invalid(field: field, problem: .required)
        case .format(let hint): .invalid(field: field, problem: .format(hint))
        case .tooLong(let max): .invalid(field: field, problem: .tooLong(max: max))
        case .hiddenCharacters: .invalid(field: field, problem: .controlCharacters)
        case .unknownDepartment: .invalid(field: field, problem: .unknownReference(value ?? ""))
        case .duplicate: .duplicate(.trainee, key: value ?? "")
        case .unknownColumn, .file: .invalid(field: field, problem: .notAccepted)
        }
    }
}
