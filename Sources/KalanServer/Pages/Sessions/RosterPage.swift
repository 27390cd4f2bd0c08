import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// A session's roster: who holds a seat, who waits, their attendance and scores; links to the
/// attendance sheet, the scores and the results for those who record them; HR's decisions per
/// line and the enrolment form. Every change goes through the same use cases as the CLI and API.
struct RosterPage: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    struct Action {
        var action: String
        var label: String
        var reason: Bool
    }

    struct Line {
        var staff: String
        var name: String
        var department: String
        var status: String
        var position: String?
        var attendance: String
        var pre: String
        var post: String
        var actions: [Action]
    }

    /// The links to the sheets, for those who record; the attendance sheet needs training days.
    struct Sheets { var attendance: Bool }

    struct View {
        var code: String
        var path: String
        var course: String
        var meta: String
        var status: String
        var seats: String
        var sheets: Sheets?
        var lines: [Line]
        var hasLines: Bool
        var decides: Bool
        var enrols: Bool
    }

    func render(_ request: Request, code: String, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await accounts.page(request)
        let actor = try page.requireUser().actor
        let (session, lines) = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor)
        let course = try await repository.transaction { try await $0.course(id: session.courseID) }
        let language = page.language
        let days = session.trainingDays.count
        let seated = lines.filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }.count
        let waiting = lines.filter { $0.enrolment.status == .waitlisted }.count
        let seats = page.t(
            "roster.seats",
            ["taken": String(seated), "capacity": String(session.capacity), "left": String(max(0, session.capacity - seated)), "waiting": String(waiting)])
        let records = actor.canRecord(for: session) && seated > 0
        let view = View(
            code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "",
            meta: SessionText.meta(session, language), status: session.status.name(in: language), seats: seats,
            sheets: records ? Sheets(attendance: days > 0) : nil,
            lines: lines.map { line(of: $0, days: days, managesRegister: actor.managesRegister, language: language) }, hasLines: !lines.isEmpty,
            decides: actor.managesRegister, enrols: actor.managesRegister)
        return page.render("roster", title: session.code, view: view, flash: flash ?? done(page), wide: true, status: status)
    }

    func line(of line: RosterLine, days: Int, managesRegister: Bool, language: Language) -> Line {
        let held = [.enrolled, .completed, .failed].contains(line.enrolment.status)
        func t(_ key: String) -> String { Messages.text(key, language) }
        var actions: [Action] = []
        if managesRegister {
            switch line.enrolment.status {
            case .nominated:
                actions = [.init(action: "approve", label: t("roster.approve"), reason: false), .init(action: "reject", label: t("roster.reject"), reason: true)]
            case .approved, .enrolled, .waitlisted: actions = [.init(action: "withdraw", label: t("roster.withdraw"), reason: true)]
            default: break
            }
        }
        return Line(
            staff: line.trainee.staffNumber, name: line.trainee.fullName, department: line.departmentCode ?? "",
            status: line.enrolment.status.name(in: language),
            position: line.enrolment.waitlistPosition.map { Messages.text("roster.waitlist_position", language, ["position": String($0)]) },
            attendance: held && days > 0 ? Format.percent(line.attendanceRate(trainingDays: days) / 100, language) : "–",
            pre: line.preScore.map { Format.number($0, language) } ?? "–", post: line.postScore.map { Format.number($0, language) } ?? "–",
            actions: actions)
    }

    /// What the last change did, named by `?done=`.
    func done(_ page: PageRequest) -> PageContext.Flash? {
        guard let flag = page.request.uri.queryParameters.get("done"),
            ["attendance", "scores", "decision", "closed", "reopened"].contains(flag)
        else { return nil }
        return .ok([page.t("roster.done.\(flag)")])
    }
}
