/// What a field should look like, named by a refusal and worded by the catalogue
/// (`problem.expected.<raw value>`) in the reader's language: no free text reaches people.
public enum FieldHint: String, Sendable, Equatable, CaseIterable {
    public func text(in language: Language) -> String { Messages.text("problem.expected.\(rawValue)", language) }

    case phone = "phone"
    case sortOrder = "sort_order"
    case wholeNumber = "whole_number"
    case positiveNumber = "positive_number"
    case category = "category"
    case staffNumber = "staff_number"
    case code = "code"
    case sex = "sex"
    case country = "country"
    case attendanceMark = "attendance_mark"
    case modules = "modules"
    case identifier = "identifier"
    case date = "date"
    case username = "username"
    case eachDimensionOnce = "each_dimension_once"
    case backupFile = "backup_file"
    case name = "name"
    case email = "email"
    case oneDay = "one_day"
    case yesNo = "yes_no"
    case domain = "domain"
    case noNul = "no_nul"
    case traineeEtag = "trainee_etag"
    case cursor = "cursor"
    case ifMatchVersion = "if_match_version"
    case sheetVersion = "sheet_version"
    case notAfterEnd = "not_after_end"
    case sessionCode = "session_code"
}
