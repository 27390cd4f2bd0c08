import Foundation
import Hummingbird
import KalanCore

/// HR's changes on a roster: enrol staff picked from a search or typed by number (each its own
/// enrolment, each reported: seat, waitlist position or refusal), approve, and — after a
/// confirmation page — reject or withdraw one line, saying who was promoted from the waitlist.
struct RosterActions: Sendable {
    let repository: any KalanRepository
    let roster: RosterPage
    let clock: WallClock

    static let maxPeople = 500

    func enrol(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let typed = (fields["staff"] ?? "").split(whereSeparator: { $0.isNewline || $0.isWhitespace || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let picked = fields.all.filter { $0.name.hasPrefix("pick_") }.map { $0.value.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var numbers: [String] = []
        for number in picked + typed where !numbers.contains(number) { numbers.append(number) }
        guard !numbers.isEmpty else { throw KalanError.invalid(field: "staff", problem: .required) }
        guard numbers.count <= Self.maxPeople else { throw KalanError.invalid(field: "staff", problem: .range(min: 1, max: Self.maxPeople)) }
        let override = String((fields["override"] ?? "").prefix(500)).nonEmptyNormalisedText
        let workflow = EnrolmentWorkflow(repository: repository, clock: clock)
        var report: [String] = []
        var refused = 0
        for typedNumber in numbers {
            // Typed in any case: the register's own spelling of the number.
            let trainee = try await StaffQueries(repository: repository).find(staffNumber: typedNumber, actor: actor)
            let number = trainee?.staffNumber ?? typedNumber
            let who = trainee.map { "\($0.fullName) (\(number))" } ?? number
            do {
                let enrolment = try await workflow.enrol(staffNumber: number, sessionCode: code, actor: actor, override: override)
                report.append(Self.outcome(enrolment, who: who, page: page))
            } catch let error as KalanError {
                refused += 1
                report.append(page.t("hr.outcome.refused", ["who": who, "reason": error.message(in: page.language)]))
            }
        }
        let summary = page.t("enrol.summary", ["ok": String(numbers.count - refused), "refused": String(refused)])
        let lines = [summary] + report
        return try await roster.render(
            request, code: code, flash: refused == 0 ? .ok(lines) : .bad(lines), status: refused == 0 ? .ok : .unprocessableContent)
    }

    /// Where a person stands after a change: a seat, a place on the waitlist, or another status.
    static func outcome(_ enrolment: Enrolment, who: String, page: PageRequest) -> String {
        switch enrolment.status {
        case .enrolled: page.t("hr.outcome.seat", ["who": who])
        case .waitlisted: page.t("hr.outcome.waitlist", ["who": who, "position": String(enrolment.waitlistPosition ?? 0)])
        default: page.t("hr.outcome.status", ["who": who, "status": enrolment.status.name(in: page.language)])
        }
    }

    func decide(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let staff = String((fields["staff"] ?? "").prefix(32))
        let reason = String((fields["reason"] ?? "").prefix(500))
        let action = fields["action"] ?? ""
        guard ["approve", "reject", "withdraw"].contains(action) else {
            throw KalanError.invalid(field: "action", problem: .oneOf(["approve", "reject", "withdraw"]))
        }
        // A destructive change is made only from the confirmation page.
        if action != "approve", fields["confirmed"] != "1" { return try await confirmation(request, code: code, staff: staff, action: action) }
        let workflow = EnrolmentWorkflow(repository: repository, clock: clock)
        let (_, lines) = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor)
        let trainee = lines.first { $0.trainee.staffNumber == staff }?.trainee
        let who = trainee.map { "\($0.fullName) (\(staff))" } ?? staff
        var report: [String]
        switch action {
        case "approve":
            let enrolment = try await workflow.approve(staffNumber: staff, sessionCode: code, actor: actor)
            report = [Self.outcome(enrolment, who: who, page: page)]
        case "reject":
            try await workflow.reject(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
            report = [page.t("hr.outcome.rejected", ["who": who])]
        default:
            let done = try await workflow.withdrawal(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
            report = [page.t("hr.outcome.withdrawn", ["who": who])]
            if let promoted = done.promoted, let line = lines.first(where: { $0.enrolment.id == promoted.id }) {
                report.append(page.t("hr.outcome.promoted", ["who": "\(line.trainee.fullName) (\(line.trainee.staffNumber))"]))
            } else if lines.contains(where: { $0.trainee.staffNumber == staff && $0.enrolment.status == .enrolled }) {
                report.append(page.t("hr.outcome.seat_free"))
            }
        }
        return try await roster.render(request, code: code, flash: .ok(report))
    }

    struct Confirmation {
        var question, path, staff, action, label: String
        var reasonRequired: Bool
    }

    /// "Withdraw Awa Traoré from S-…?" with the reason, the confirming button and a way back.
    func confirmation(_ request: Request, code: String, staff: String? = nil, action: String? = nil) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let parameters = request.formQuery
        let staff = String((staff ?? parameters.get("staff") ?? "").prefix(32))
        let action = action ?? parameters.get("action") ?? ""
        guard ["reject", "withdraw"].contains(action) else { throw KalanError.invalid(field: "action", problem: .oneOf(["reject", "withdraw"])) }
        // The line must exist and be visible: the same lookup as the change itself.
        _ = try await EnrolmentWorkflow(repository: repository, clock: clock).history(staffNumber: staff, sessionCode: code, actor: actor)
        let name = try await StaffQueries(repository: repository).find(staffNumber: staff, actor: actor)?.fullName ?? staff
        let view = Confirmation(
            question: page.t("hr.confirm.\(action)", ["who": "\(name) (\(staff))", "session": code]), path: PageRequest.segment(code), staff: staff,
            action: action, label: page.t(action == "reject" ? "roster.reject" : "roster.withdraw"), reasonRequired: action == "reject")
        return page.render("hr_confirm", title: page.t("hr.confirm.title"), view: view)
    }
}
