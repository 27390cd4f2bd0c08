import Foundation
import KalanCore

// The administration forms as the pages receive them, decoded by `URLEncodedForm.decode`. A text
// the form always sends is a `String` (missing, it is refused as required); a field the form may
// leave out is optional; a number is a `WholeNumber`; a group of checkboxes is an array of the
// checked codes. The use cases check the values themselves (lengths, codes, dates).

/// `/departments/new` and `/departments/{code}` (no `code` when editing).
struct DepartmentFormInput: Decodable {
    var code: String?
    var nameFR: String
    var nameEN: String?
    var kind: String
    var parent: String?

    enum CodingKeys: String, CodingKey {
        case code, kind, parent
        case nameFR = "name_fr"
        case nameEN = "name_en"
    }
}

/// `/partners/new` and `/partners/{code}`.
struct PartnerFormInput: Decodable {
    var code: String?
    var name, kind, country: String
}

/// `/programmes/new` and `/programmes/{code}`.
struct ProgrammeFormInput: Decodable {
    var code: String?
    var nameFR: String
    var nameEN: String?
    var startsOn, endsOn: String
    @WholeNumber var targetTrainees: Int
    var domains: [String]
    var partners: [String]

    enum CodingKeys: String, CodingKey {
        case code, domains, partners
        case nameFR = "name_fr"
        case nameEN = "name_en"
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case targetTrainees = "target_trainees"
    }
}

/// `/courses/new` and `/courses/{code}`: the modules are one text, a module a line.
struct CourseFormInput: Decodable {
    var code: String?
    var titleFR, titleEN, domain: String
    @WholeNumber var hours: Int
    @WholeNumber var passMark: Int
    @WholeNumber var minAttendance: Int
    @WholeNumber var validityMonths: Int?
    var programme: String?
    var modules: String?
    var prerequisites: [String]

    enum CodingKeys: String, CodingKey {
        case code, domain, hours, programme, modules, prerequisites
        case titleFR = "title_fr"
        case titleEN = "title_en"
        case passMark = "pass_mark"
        case minAttendance = "min_attendance"
        case validityMonths = "validity_months"
    }
}

/// What a session's creation and edit share (`SessionEditPages.changeFields`, and the status).
struct SessionChangeInput: Decodable {
    var startsOn, endsOn, mode: String
    var city, country: String?
    @WholeNumber var capacity: Int
    var enrolmentDeadline: String?
    var status: String

    enum CodingKeys: String, CodingKey {
        case mode, city, country, capacity, status
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case enrolmentDeadline = "enrolment_deadline"
    }

    var change: Register.SessionChange {
        Register.SessionChange(
            startsOn: startsOn, endsOn: endsOn, mode: mode, city: city, country: country, capacity: capacity, enrolmentDeadline: enrolmentDeadline, status: status)
    }
}

/// `/sessions/new`: the session's code, course, partner and programme, then what an edit changes.
struct SessionNewInput: Decodable {
    var code, course, partner: String
    var programme: String?
    var details: SessionChangeInput

    enum CodingKeys: String, CodingKey { case code, course, partner, programme }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        course = try container.decode(String.self, forKey: .course)
        partner = try container.decode(String.self, forKey: .partner)
        programme = try container.decodeIfPresent(String.self, forKey: .programme)
        details = try SessionChangeInput(from: decoder)
    }

    var input: Register.SessionInput {
        Register.SessionInput(
            code: code, courseCode: course, partnerCode: partner, programmeCode: programme, startsOn: details.startsOn, endsOn: details.endsOn,
            mode: details.mode, city: details.city, country: details.country, capacity: details.capacity, enrolmentDeadline: details.enrolmentDeadline,
            status: details.status)
    }
}

/// `/sessions/{code}/edit` besides a save: a trainer to assign or remove, a cancellation's reason,
/// and the confirmation the removal and the cancellation ask for.
struct SessionActionInput: Decodable {
    var trainer, reason, confirm: String?

    var confirmed: Bool { confirm == "yes" }
}

/// `/users/new`: a new account (a partner only for a trainer).
struct AccountNewInput: Decodable {
    var username, displayName, role, password: String
    var email, partner: String?

    enum CodingKeys: String, CodingKey {
        case username, role, password, email, partner
        case displayName = "display_name"
    }
}

/// `/users/{username}`: what each action of an account's page sends (update: name, e-mail, role,
/// partner; reset: a password; revoke: a token; disable and revoke: the confirmation).
struct AccountActionInput: Decodable {
    var displayName, email, role, partner, password, token, confirm: String?

    enum CodingKeys: String, CodingKey {
        case email, role, partner, password, token, confirm
        case displayName = "display_name"
    }

    var confirmed: Bool { confirm == "yes" }
}

/// `/account/password`: one's own password changed.
struct PasswordChangeInput: Decodable {
    var current, new, confirmation: String

    enum CodingKeys: String, CodingKey {
        case current = "current_password"
        case new = "new_password"
        case confirmation = "confirm"
    }
}
