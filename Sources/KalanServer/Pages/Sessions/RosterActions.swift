import Foundation
import Hummingbird
import KalanCore

/// HR's changes on a roster: enrol staff by number (each line its own enrolment, each reported),
/// approve, reject (with a reason) or withdraw one line.
struct RosterActions: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let roster: RosterPage
    let clock: WallClock

    func enrol(_ request: Request, code: String) async throws -> Response {
        let page = try await accounts.page(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        let numbers = (fields["staff"] ?? "").split(whereSeparator: { $0.isNewline || $0.isWhitespace || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !numbers.isEmpty else { throw KalanError.invalid(field: "staff", problem: .required) }
        guard numbers.count <= 500 else { throw KalanError.invalid(field: "staff", problem: .range(min: 1, max: 500)) }
        let workflow = EnrolmentWorkflow(repository: repository, today: clock.today)
        var report: [String] = []
        var refused = 0
        for number in numbers {
            let outcome: String
            do {
                let enrolment = try await workflow.enrol(staffNumber: number, sessionCode: code, actor: actor)
                outcome =
                    enrolment.status.name(in: page.language)
                    + (enrolment.waitlistPosition.map { " (" + page.t("roster.waitlist_position", ["position": String($0)]) + ")" } ?? "")
            } catch let error as KalanError {
                refused += 1
                outcome = error.message(in: page.language)
            }
            report.append(page.t("enrol.line", ["staff": number, "outcome": outcome]))
        }
        let summary = page.t("enrol.summary", ["ok": String(numbers.count - refused), "refused": String(refused)])
        let lines = [summary] + report
        return try await roster.render(
            request, code: code, flash: refused == 0 ? .ok(lines) : .bad(lines), status: refused == 0 ? .ok : .unprocessableContent)
    }

    func decide(_ request: Request, code: String) async throws -> Response {
        let page = try await accounts.page(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        let staff = String((fields["staff"] ?? "").prefix(32))
        let reason = String((fields["reason"] ?? "").prefix(500))
        let workflow = EnrolmentWorkflow(repository: repository, today: clock.today)
        switch fields["action"] ?? "" {
        case "approve": try await workflow.approve(staffNumber: staff, sessionCode: code, actor: actor)
        case "reject": try await workflow.reject(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
        case "withdraw": try await workflow.withdraw(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
        default: throw KalanError.invalid(field: "action", problem: .oneOf(["approve", "reject", "withdraw"]))
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))", done: "decision")
    }
}
