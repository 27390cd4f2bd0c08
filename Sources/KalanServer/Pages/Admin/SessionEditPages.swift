import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// Creating and editing sessions: `/sessions/new`, and `/sessions/{code}/edit` with the dates,
/// place, capacity, deadline and status (its allowed transitions), the trainers (partner trainer
/// accounts) and the cancellation with a reason. HR and admins only, through `Register`.
struct SessionEditPages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    var register: Register { Register(repository: repository) }

    func newForm(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        _ = try page.requireManager()
        return try await newForm(page)
    }

    func newForm(_ page: PageRequest, values: URLEncodedForm? = nil, error: KalanError? = nil) async throws -> Response {
        let language = page.language
        let choices = try await CatalogueQueries(repository: repository).sessionChoices(actor: try page.requireUser().actor)
        let (courses, partners, programmes) = (choices.courses, choices.partners, choices.programmes)
        let course = values?["course"] ?? page.request.formQuery.get("course").map { String($0) } ?? ""
        let partner = values?["partner"] ?? ""
        let programme = values?["programme"] ?? ""
        var programmeOptions = [SelectOption(code: "", label: page.t("admin.session.programme_of_course"), selected: programme.isEmpty)]
        programmeOptions += programmes.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name(in: language))", selected: $0.code == programme) }
        let status = values?["status"] ?? SessionStatus.planned.rawValue
        var code = FormField.text("code", page.t("admin.col.code"), values?["code"], max: 40, required: true)
        code.hint = page.t("admin.hint.session_code")
        let fields: [FormField] =
            [
                code,
                .choose("course", page.t("admin.session.course"), courses.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.title(in: language))", selected: $0.code == course) }),
                .choose("partner", page.t("admin.session.partner"), partners.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name)", selected: $0.code == partner) }),
                .choose("programme", page.t("admin.field.programme"), programmeOptions, required: false),
            ] + Self.changeFields(page, values: values, session: nil)
            + [
                .choose(
                    "status", page.t("admin.session.status"),
                    [SessionStatus.planned, .open].map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == status) })
            ]
        var form = AdminForm(fields)
        if let error { form.place(error, language) }
        let view = FormView(
            heading: page.t("admin.session.new"), intro: nil, action: "/sessions/new?lang=\(language.rawValue)", submit: page.t("admin.create"),
            back: "/sessions?lang=\(language.rawValue)", backLabel: page.t("admin.session.back"), fields: [], editable: true)
        return page.renderForm(view, form: form, title: view.heading, status: error == nil ? .ok : .unprocessableContent)
    }

    /// The fields a session's creation and edit share.
    static func changeFields(_ page: PageRequest, values: URLEncodedForm?, session: TrainingSession?) -> [FormField] {
        let language = page.language
        let mode = values?["mode"] ?? session?.mode.rawValue ?? DeliveryMode.inPerson.rawValue
        var country = FormField.choose(
            "country", page.t("admin.col.country"),
            SelectOption.countries(chosen: values?["country"] ?? session?.country, language, empty: page.t("admin.session.no_country")), required: false)
        country.hint = page.t("admin.session.country_hint")
        return [
            .text("starts_on", page.t("admin.field.starts_on"), values?["starts_on"] ?? session?.startsOn.description, max: 10, required: true, type: "date"),
            .text("ends_on", page.t("admin.field.ends_on"), values?["ends_on"] ?? session?.endsOn.description, max: 10, required: true, type: "date"),
            .choose("mode", page.t("admin.session.mode"), DeliveryMode.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == mode) }),
            .text("city", page.t("admin.session.city"), values?["city"] ?? session?.city, max: 100),
            country,
            .text("capacity", page.t("admin.session.capacity"), values?["capacity"] ?? session.map { String($0.capacity) }, max: 5, required: true, type: "number"),
            .text("enrolment_deadline", page.t("admin.session.deadline"), values?["enrolment_deadline"] ?? session?.enrolmentDeadline?.description, max: 10, type: "date"),
        ]
    }

    func create(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        do {
            let session = try await register.addSession(try fields.decode(SessionNewInput.self).input, actor: actor)
            return page.redirect("/sessions/\(PageRequest.segment(session.code))/edit", done: "created")
        } catch let error as KalanError where error.isFormError {
            return try await newForm(page, values: fields, error: error)
        }
    }

    struct TrainerRow {
        var username, display: String
    }

    struct EditView {
        var heading, intro, path: String
        var fields: [FormField]
        var trainers: [TrainerRow]
        var eligible: [SelectOption]
        var hasEligible: Bool
        var trainerError: String?
        var cancellable: Bool
        var cancelError: String?
    }

    enum Part { case save, trainer, cancel }

    func edit(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        _ = try page.requireManager()
        return try await edit(page, code: code)
    }

    func edit(_ page: PageRequest, code: String, values: URLEncodedForm? = nil, error: KalanError? = nil, part: Part = .save) async throws -> Response {
        let actor = try page.requireManager().actor
        let language = page.language
        let editing = try await SessionQueries(repository: repository).editing(code: code, actor: actor)
        let (session, course, users, partner) = (editing.session, editing.course, editing.users, editing.partner)
        let eligible = try await register.eligibleTrainers(sessionCode: session.code, actor: actor).filter { !session.trainerIDs.contains($0.id) }
        let status = values?["status"] ?? session.status.rawValue
        let statuses = Register.editableStatuses(from: session.status).map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == status) }
        var form = AdminForm(Self.changeFields(page, values: part == .save ? values : nil, session: session) + [.choose("status", page.t("admin.session.status"), statuses)])
        var trainerError, cancelError: String?
        if let error {
            switch part {
            case .save: form.place(error, language)
            case .trainer:
                if case .invalid(_, let problem) = error { trainerError = problem.message(in: language) } else { trainerError = error.message(in: language) }
            case .cancel:
                if case .invalid(_, let problem) = error { cancelError = problem.message(in: language) } else { cancelError = error.message(in: language) }
            }
        }
        let view = EditView(
            heading: page.t("admin.session.edit", ["code": session.code]),
            intro: [course?.title(in: language), partner?.name, session.status.name(in: language)].compactMap { $0 }.joined(separator: " · "),
            path: PageRequest.segment(session.code), fields: form.fields,
            trainers: users.filter { session.trainerIDs.contains($0.id) }.map { TrainerRow(username: $0.username, display: $0.displayName) },
            eligible: eligible.map { SelectOption(code: $0.username, label: "\($0.displayName) (\($0.username))", selected: false) }, hasEligible: !eligible.isEmpty,
            trainerError: trainerError,
            cancellable: session.status.canMove(to: .cancelled), cancelError: cancelError)
        var flash = form.flash ?? page.doneFlash()
        if let promoted = page.request.formQuery.get("promoted"), !promoted.isEmpty, var shown = flash, shown.kind == "ok" {
            let numbers = Set(promoted.split(separator: ",").map(String.init))
            let lines = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor).1
            for line in lines where numbers.contains(line.trainee.staffNumber) && line.enrolment.status == .enrolled {
                shown.lines.append(page.t("hr.outcome.promoted", ["who": "\(line.trainee.fullName) (\(line.trainee.staffNumber))"]))
            }
            flash = shown
        }
        if session.status == .cancelled, flash == nil { flash = .bad([page.t("admin.session.is_cancelled")]) }
        return page.render(
            "session_edit", title: view.heading, view: view, flash: flash, status: error == nil ? .ok : .unprocessableContent)
    }

    func post(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        let path = "/sessions/\(PageRequest.segment(code))/edit"
        let action = fields["action"] ?? "save"
        let part: Part = action == "save" ? .save : (action == "cancel" ? .cancel : .trainer)
        do {
            switch action {
            case "save":
                let change = try fields.decode(SessionChangeInput.self).change
                // A larger capacity seats people from the waitlist: say who.
                let recording = ResultsRecording(repository: repository)
                let waiting = Set(try await recording.roster(sessionCode: code, actor: actor).1.filter { $0.enrolment.status == .waitlisted }.map(\.trainee.staffNumber))
                try await register.updateSession(code: code, change, actor: actor)
                let seated =
                    waiting.isEmpty
                    ? []
                    : try await recording.roster(sessionCode: code, actor: actor).1.filter {
                        waiting.contains($0.trainee.staffNumber) && $0.enrolment.status == .enrolled
                    }.map(\.trainee.staffNumber)
                let promoted = seated.isEmpty ? "" : "?promoted=\(PageRequest.encode(seated.joined(separator: ",")))"
                return page.redirect(path + promoted, done: "saved")
            case "assign":
                let input = try fields.decode(SessionActionInput.self)
                try await register.assignTrainer(sessionCode: code, username: String((input.trainer ?? "").prefix(64)), actor: actor)
                return page.redirect(path, done: "trainer_added")
            case "remove":
                let input = try fields.decode(SessionActionInput.self)
                guard input.confirmed else { throw KalanError.invalid(field: "confirm", problem: .required) }
                try await register.removeTrainer(sessionCode: code, username: String((input.trainer ?? "").prefix(64)), actor: actor)
                return page.redirect(path, done: "trainer_removed")
            case "cancel":
                let input = try fields.decode(SessionActionInput.self)
                guard input.confirmed else { throw KalanError.invalid(field: "confirm", problem: .required) }
                try await register.cancelSession(code: code, reason: String((input.reason ?? "").prefix(600)), actor: actor)
                return page.redirect(path, done: "cancelled")
            default:
                throw KalanError.invalid(field: "action", problem: .oneOf(["save", "assign", "remove", "cancel"]))
            }
        } catch let error as KalanError where error.isFormError {
            return try await edit(page, code: code, values: fields, error: error, part: part)
        }
    }
}
