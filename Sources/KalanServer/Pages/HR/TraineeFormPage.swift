import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// HR adds and edits a staff member, and deactivates (after a confirmation) or reactivates one,
/// through the register's use cases; a refused form comes back with each field's problem beside it.
struct TraineeFormPage: Sendable {
    let repository: any KalanRepository

    struct View {
        var heading, action, cancel: String
        var staffField: InputField?
        var names: [InputField]
        var sexes: [SelectOption]
        var sexError: String?
        var departments: [SelectOption]
        var departmentError: String?
        var details: [InputField]
        var version: String?
        var submit: String
    }

    /// The staff form as sent: every field may be blank (the register's check names what is
    /// missing, beside its field); `staff_number` only when adding, `version` only when editing.
    struct Input: Decodable {
        var staffNumber, givenName, familyName, sex, category, position, department, email, phone, version: String?

        enum CodingKeys: String, CodingKey {
            case sex, category, position, department, email, phone, version
            case staffNumber = "staff_number"
            case givenName = "given_name"
            case familyName = "family_name"
        }

        /// The register's fields by name, as `TraineeRegister` and the form read them.
        var values: [String: String] {
            let fields: [(String, String?)] = [
                ("staff_number", staffNumber), ("given_name", givenName), ("family_name", familyName), ("sex", sex), ("category", category),
                ("position", position), ("department", department), ("email", email), ("phone", phone),
            ]
            return Dictionary(uniqueKeysWithValues: fields.map { ($0.0, String(($0.1 ?? "").prefix(300))) })
        }
    }

    /// `/trainees/{staff}/active`: `active=1` reactivates; `active=0` deactivates once `confirmed=1`.
    struct ActiveInput: Decodable {
        var active, confirmed: String?
    }

    func showNew(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        guard try page.requireUser().actor.managesRegister else { throw KalanError.forbidden }
        return try await form(page, values: [:], errors: [:], editing: nil)
    }

    func showEdit(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let (trainee, department) = try await StaffQueries(repository: repository).record(staffNumber: staffNumber, actor: actor)
        return try await form(page, values: Self.values(of: trainee, department: department), errors: [:], editing: trainee)
    }

    func create(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let values = try await page.form(as: Input.self).values
        let actor = try page.requireUser().actor
        return try await submit(page, values: values, editing: nil, done: "added") {
            try await TraineeRegister(repository: repository).add(fields: values, actor: actor)
        }
    }

    func save(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let input = try await page.form(as: Input.self)
        let actor = try page.requireUser().actor
        let trainee = try await StaffQueries(repository: repository).record(staffNumber: staffNumber, actor: actor).0
        var values = input.values
        values["staff_number"] = trainee.staffNumber
        let version = input.version.flatMap { Int($0) } ?? -1
        let changes = TraineeRegister.Changes(
            givenName: values["given_name"], familyName: values["family_name"], position: values["position"], email: values["email"],
            phone: values["phone"], sex: values["sex"], category: values["category"], department: values["department"])
        return try await submit(page, values: values, editing: trainee, done: "saved") {
            try await TraineeRegister(repository: repository).update(staffNumber: trainee.staffNumber, expectedVersion: version, changes: changes, actor: actor)
        }
    }

    /// Checks the typed fields, makes the change, and goes to the staff member's page; a refusal
    /// comes back on the form beside its field (a number already in the register: 409).
    func submit(_ page: PageRequest, values: [String: String], editing: Trainee?, done: String, change: () async throws -> Trainee) async throws -> Response {
        let errors = Self.problems(values, page.language)
        guard errors.isEmpty else { return try await form(page, values: values, errors: errors, editing: editing, status: .unprocessableContent) }
        do {
            let trainee = try await change()
            return page.redirect("/trainees/\(PageRequest.segment(trainee.staffNumber))", done: done)
        } catch let error as KalanError {
            switch error {
            case .duplicate: return try await form(page, values: values, errors: ["staff_number": error.message(in: page.language)], editing: editing, status: .conflict)
            case .invalid(let field, _):
                return try await form(page, values: values, errors: [field: error.message(in: page.language)], editing: editing, status: .unprocessableContent)
            default: throw error
            }
        }
    }

    /// Deactivating asks first (inactive staff can no longer be nominated); reactivating does not.
    func setActive(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let input = try await page.form(as: ActiveInput.self)
        let actor = try page.requireUser().actor
        let active = input.active == "1"
        if !active, input.confirmed != "1" { return try await confirmDeactivation(request, staffNumber: staffNumber) }
        let trainee = try await TraineeRegister(repository: repository).setActive(staffNumber: staffNumber, active: active, actor: actor)
        return page.redirect("/trainees/\(PageRequest.segment(trainee.staffNumber))", done: active ? "activated" : "deactivated")
    }

    struct Confirmation {
        var question, path: String
    }

    func confirmDeactivation(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let trainee = try await StaffQueries(repository: repository).record(staffNumber: staffNumber, actor: actor).0
        let view = Confirmation(
            question: page.t("hr.trainee.confirm_deactivate", ["who": "\(trainee.fullName) (\(trainee.staffNumber))"]),
            path: PageRequest.segment(trainee.staffNumber))
        return page.render("hr_deactivate", title: page.t("hr.confirm.title"), view: view)
    }

    // MARK: - The form

    static func values(of trainee: Trainee, department: Department?) -> [String: String] {
        [
            "staff_number": trainee.staffNumber, "given_name": trainee.givenName, "family_name": trainee.familyName, "sex": trainee.sex.rawValue,
            "category": trainee.category ?? "", "position": trainee.position ?? "", "department": department?.code ?? "", "email": trainee.email ?? "",
            "phone": trainee.phone ?? "",
        ]
    }

    /// Each field's problem in the reader's language, by the same checks as an imported line.
    static func problems(_ values: [String: String], _ language: Language) -> [String: String] {
        // The department is matched against the register when saved.
        var errors: [String: String] = [:]
        for problem in TraineeSheet.check(fields: values.filter { $0.key != "department" }).problems {
            let field = problem.column ?? "staff_number"
            if errors[field] == nil { errors[field] = problem.message(in: language) }
        }
        return errors
    }

    func form(_ page: PageRequest, values: [String: String], errors: [String: String], editing: Trainee?, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let departments = try await CatalogueQueries(repository: repository).departments(actor: try page.requireUser().actor)
        let language = page.language
        func field(_ name: String, type: String = "text", max: Int, required: Bool = false, autocomplete: String? = nil) -> InputField {
            InputField(
                id: name, name: name, label: page.t("hr.trainee.field.\(name)"), type: type, value: values[name] ?? "", maxlength: max,
                required: required, autocomplete: autocomplete, error: errors[name])
        }
        let chosenDepartment = values["department"] ?? ""
        let view = View(
            heading: editing.map { page.t("hr.trainee.edit_title", ["who": "\($0.fullName) (\($0.staffNumber))"]) } ?? page.t("hr.trainee.new_title"),
            action: editing.map { "/trainees/\(PageRequest.segment($0.staffNumber))/edit" } ?? "/trainees/new",
            cancel: editing.map { "/trainees/\(PageRequest.segment($0.staffNumber))" } ?? "/trainees",
            staffField: editing == nil ? field("staff_number", max: 32, required: true, autocomplete: "off") : nil,
            names: [field("family_name", max: FieldLimits.name, required: true), field("given_name", max: FieldLimits.name, required: true)],
            sexes: ["F", "M"].map { SelectOption(code: $0, label: Names.sex($0, language), selected: values["sex"] == $0) }, sexError: errors["sex"],
            departments: [SelectOption(code: "", label: "–", selected: chosenDepartment.isEmpty)]
                + departments.map { SelectOption(code: $0.code, label: "\($0.code) — \($0.name(in: language))", selected: $0.code == chosenDepartment) },
            departmentError: errors["department"],
            details: [
                field("category", max: 2), field("position", max: FieldLimits.position), field("email", type: "email", max: FieldLimits.email),
                field("phone", type: "tel", max: FieldLimits.phone),
            ],
            version: editing.map { String($0.version) }, submit: page.t(editing == nil ? "hr.trainee.create" : "hr.trainee.save"))
        return page.render("hr_trainee_form", title: view.heading, view: view, status: status)
    }
}
