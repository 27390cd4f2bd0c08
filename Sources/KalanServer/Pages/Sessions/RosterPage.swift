import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// A session's roster: seats taken and left, who holds a seat, the waitlist in order, each line's
/// history, attendance and scores; links to the sheets for those who record; HR's decisions per
/// line and the enrolment by search-and-pick. Every change goes through the same use cases as the
/// CLI and API.
struct RosterPage: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    struct Action {
        var action, label: String
        /// Destructive actions (reject, withdraw) go through a confirmation page first.
        var confirm: Bool
    }

    struct Line {
        var staff, staffPath, name, department, status: String
        var position, override: String?
        var attendance, pre, post: String
        /// The line's last event, and a link to its whole history (or the history itself, when asked).
        var lastEvent, historyLink: String?
        var historyPath: String
        var events: [String]
        var expanded: Bool
        var actions: [Action]
        var certificate: LineCertificate?
    }

    struct LineCertificate {
        var serial, path, state: String
        var revocable: Bool
        /// HR may show the participant a wallet offer (issue 31) while the certificate is valid.
        var offerable: Bool
    }

    /// The session's certificates: how many completed enrolments, how many issued, the ZIP.
    struct Certificates {
        var summary: String
        var canIssue, hasIssued: Bool
    }

    /// The links to the sheets, for those who record; the attendance sheet needs training days.
    struct Sheets { var attendance: Bool }

    /// One staff member found by the enrolment search, ready to be ticked.
    struct Candidate {
        var field, staff, name: String
        var department: String?
        /// Already on this roster (open enrolment): shown, not offered.
        var present: String?
    }

    struct Picker {
        var find: String
        var count: String?
        var candidates: [Candidate]
        var hasCandidates, searched: Bool
    }

    struct View {
        var code, path, course, meta, status, seats: String
        var sheets: Sheets?
        var lines: [Line]
        var hasLines: Bool
        /// Withdrawn and rejected lines are shown on demand (`?past=1`): the page does not grow with
        /// the session's history.
        var pastToggle: PastToggle?
        var decides, enrols: Bool
        var picker: Picker?
        /// Admins may let a missing prerequisite or an overlap through, with a reason.
        var overrides: Bool
        var certificates: Certificates?
    }

    struct PastToggle {
        var label, path: String
    }

    static let candidatesShown = 25

    func render(_ request: Request, code: String, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let (session, found) = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor)
        let lines = Self.ordered(found)
        let query = request.uri.queryParameters
        let showsPast = query.get("past") == "1"
        let past = lines.filter(\.enrolment.status.hasLeftTheRoster)
        // One line's whole history when asked (`?history=STAFF`, the staff member's page links
        // here too); the others' last event only.
        let expanded = query.get("history").flatMap { wanted in lines.first { $0.trainee.staffNumber.caseInsensitiveCompare(wanted) == .orderedSame } }
        let shown = lines.filter { showsPast || !$0.enrolment.status.hasLeftTheRoster || $0.enrolment.id == expanded?.enrolment.id }
        let details = try await SessionQueries(repository: repository).rosterDetails(of: session, expanding: expanded?.enrolment.id, actor: actor)
        let (course, summaries, history, issued) = (details.course, details.summaries, details.history, details.certificates)
        let language = page.language
        let days = session.trainingDays.count
        let seated = lines.filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }.count
        let waiting = lines.filter { $0.enrolment.status == .waitlisted }.count
        let seats = page.t(
            "roster.seats",
            ["taken": String(seated), "capacity": String(session.capacity), "left": String(max(0, session.capacity - seated)), "waiting": String(waiting)])
        let records = actor.canRecord(for: session) && seated > 0
        let picker = actor.managesRegister ? try await self.picker(page, lines: lines, actor: actor) : nil
        let view = View(
            code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "",
            meta: SessionText.meta(session, language), status: session.status.name(in: language), seats: seats,
            sheets: records ? Sheets(attendance: days > 0) : nil,
            lines: shown.map { rosterLine in
                let isExpanded = rosterLine.enrolment.id == expanded?.enrolment.id
                var shown = line(
                    of: rosterLine, summary: summaries[rosterLine.enrolment.id], events: isExpanded ? history : [], days: days,
                    managesRegister: actor.managesRegister, language: language)
                shown.historyPath =
                    "/sessions/\(PageRequest.segment(session.code))?lang=\(language.rawValue)\(showsPast ? "&past=1" : "")&history=\(PageRequest.segment(rosterLine.trainee.staffNumber))#line-\(shown.staffPath)"
                shown.certificate = issued[rosterLine.enrolment.id].map { certificate in
                    let state = certificate.status(on: clock.today())
                    return LineCertificate(
                        serial: certificate.serial, path: PageRequest.segment(certificate.serial), state: state.name(in: language),
                        revocable: actor.isAdmin && state != .revoked, offerable: actor.managesRegister && state == .valid)
                }
                return shown
            },
            hasLines: !shown.isEmpty,
            pastToggle: past.isEmpty
                ? nil
                : PastToggle(
                    label: page.t(showsPast ? "roster.past_hide" : "roster.past_show", ["count": String(past.count)]),
                    path: "/sessions/\(PageRequest.segment(session.code))?lang=\(language.rawValue)\(showsPast ? "" : "&past=1")"),
            decides: actor.managesRegister, enrols: actor.managesRegister, picker: picker, overrides: actor.isAdmin,
            certificates: certificates(page, lines: lines, issued: issued.count, actor: actor))
        return page.render("roster", title: session.code, view: view, flash: flash ?? done(page), wide: true, status: status)
    }

    func certificates(_ page: PageRequest, lines: [RosterLine], issued: Int, actor: Actor) -> Certificates? {
        guard actor.role != .trainer else { return nil }
        let completed = lines.filter { $0.enrolment.status == .completed }.count
        guard completed > 0 || issued > 0 else { return nil }
        let summary = page.t("hr.certificates.session_summary", ["completed": String(completed), "issued": String(issued)])
        return Certificates(summary: summary, canIssue: actor.managesRegister && completed > 0, hasIssued: issued > 0)
    }

    /// Seat holders first, then the waitlist in its order, then the rest (nominated, closed).
    static func ordered(_ lines: [RosterLine]) -> [RosterLine] {
        func rank(_ line: RosterLine) -> (Int, Int) {
            switch line.enrolment.status {
            case .enrolled, .completed, .failed: (0, 0)
            case .waitlisted: (1, line.enrolment.waitlistPosition ?? Int.max)
            case .nominated, .approved: (2, 0)
            default: (3, 0)
            }
        }
        return lines.enumerated().sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// The staff found by `?find=` (active staff only: inactive staff cannot be nominated).
    func picker(_ page: PageRequest, lines: [RosterLine], actor: Actor) async throws -> Picker {
        let find = try Validate.text(page.request.formQuery.get("find"), field: "find", max: 100, required: false) ?? ""
        guard !find.isEmpty else { return Picker(find: "", count: nil, candidates: [], hasCandidates: false, searched: false) }
        let filter = TraineeFilter(search: find, active: true, limit: Self.candidatesShown, order: .familyName)
        let result = try await StaffQueries(repository: repository).list(filter, counted: true, actor: actor)
        let found = result.staff, total = result.total ?? 0
        let open = Dictionary(lines.filter { !$0.enrolment.status.isClosed }.map { ($0.trainee.id, $0.enrolment.status) }) { a, _ in a }
        let candidates = found.enumerated().map { index, trainee in
            Candidate(
                field: "pick_\(index + 1)", staff: trainee.staffNumber, name: trainee.fullName, department: result.departments.code(of: trainee.departmentID),
                present: open[trainee.id].map { $0.name(in: page.language) })
        }
        let count = page.t(total > found.count ? "hr.found_shown" : "hr.found", ["count": Format.number(Double(total), decimals: 0, page.language), "shown": String(found.count)])
        return Picker(find: find, count: count, candidates: candidates, hasCandidates: !candidates.isEmpty, searched: true)
    }

    func line(of line: RosterLine, summary: EnrolmentEventSummary?, events: [EnrolmentEvent], days: Int, managesRegister: Bool, language: Language) -> Line {
        let held = [.enrolled, .completed, .failed].contains(line.enrolment.status)
        func t(_ key: String) -> String { Messages.text(key, language) }
        var actions: [Action] = []
        if managesRegister {
            switch line.enrolment.status {
            case .nominated:
                actions = [.init(action: "approve", label: t("roster.approve"), confirm: false), .init(action: "reject", label: t("roster.reject"), confirm: true)]
            case .approved, .enrolled, .waitlisted: actions = [.init(action: "withdraw", label: t("roster.withdraw"), confirm: true)]
            default: break
            }
        }
        return Line(
            staff: line.trainee.staffNumber, staffPath: PageRequest.segment(line.trainee.staffNumber), name: line.trainee.fullName,
            department: line.departmentCode ?? "", status: line.enrolment.status.name(in: language),
            position: line.enrolment.waitlistPosition.map { Messages.text("roster.waitlist_position", language, ["position": String($0)]) },
            override: line.enrolment.overrideReason.map { Messages.text("hr.override_shown", language, ["reason": $0]) },
            attendance: held && days > 0 ? Format.percent(line.attendanceRate(trainingDays: days) / 100, language) : "–",
            pre: line.preScore.map { Format.number($0, language) } ?? "–", post: line.postScore.map { Format.number($0, language) } ?? "–",
            lastEvent: summary.map { Self.event($0.last, language) },
            historyLink: (summary?.count ?? 0) > 1 && events.isEmpty ? Messages.text("roster.history_count", language, ["count": String(summary?.count ?? 0)]) : nil,
            historyPath: "", events: events.map { Self.event($0, language) }, expanded: !events.isEmpty, actions: actions)
    }

    static func event(_ event: EnrolmentEvent, _ language: Language) -> String {
        let values = [
            "at": Format.shortDay(Day.of(event.at), language), "to": event.to.name(in: language), "actor": event.actor, "reason": event.reason ?? "",
        ]
        return Messages.text(event.reason == nil ? "trainee.event" : "trainee.event_reason", language, values)
    }

    /// What the last change did, named by `?done=`.
    func done(_ page: PageRequest) -> PageContext.Flash? {
        guard let flag = page.request.formQuery.get("done"),
            ["attendance", "scores", "decision", "closed", "reopened"].contains(flag)
        else { return nil }
        return .ok([page.t("roster.done.\(flag)")])
    }
}
