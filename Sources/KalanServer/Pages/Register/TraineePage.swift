import Foundation
import Hummingbird
import KalanCore

/// One staff member for HR, admins and viewers: the record, and every enrolment with its status
/// history (who, when, why) and its certificate.
struct TraineePage: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    struct Fact {
        var label, value: String
    }

    struct CertificateLink {
        var serial, state: String
    }

    struct Entry {
        var course, code, path, dates, status: String
        var events: [String]
        var historyLink: HistoryLink?
        var certificate: CertificateLink?
        /// The signed sign-in sheets kept for the session's days (training room).
        var scans: [AttendanceScanPage.Line] = []
        var hasScans = false
    }

    struct HistoryLink {
        var label, path: String
    }

    /// How many of a line's last events the page shows.
    static let eventsShown = 3

    /// HR's and admins' changes: edit, deactivate (confirmed first) or reactivate.
    struct Manage {
        var path: String
        var active: Bool
    }

    struct View {
        var manage: Manage?
        var name: String
        var facts: [Fact]
        var entries: [Entry]
        var hasEntries: Bool
    }

    func render(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard staffNumber.utf8.count <= 32 else { throw KalanError.notFound(.trainee, key: String(staffNumber.prefix(32))) }
        let profile = try await TraineeHistory(repository: repository).profile(staffNumber: staffNumber, actor: actor)
        let language = page.language
        let t = profile.trainee
        var facts = [Fact(label: page.t("trainee.fact.staff"), value: t.staffNumber), Fact(label: page.t("trainee.fact.sex"), value: Names.sex(t.sex.rawValue, language))]
        let optional: [(String, String?)] = [
            ("category", t.category), ("position", t.position), ("department", profile.department?.name(in: language)), ("email", t.email),
            ("phone", t.phone),
        ]
        for (key, value) in optional { if let value, !value.isEmpty { facts.append(Fact(label: page.t("trainee.fact.\(key)"), value: value)) } }
        facts.append(Fact(label: page.t("trainee.fact.state"), value: page.t(t.active ? "register.active" : "register.inactive")))
        let today = clock.today()
        let scans = Dictionary(grouping: try await AttendanceScans(repository: repository, clock: clock).scans(traineeID: t.id, actor: actor), by: \.sessionCode)
        let entries = profile.entries.map { entry in
            Entry(
                course: entry.course?.title(in: language) ?? "", code: entry.session.code, path: PageRequest.segment(entry.session.code),
                dates: "\(Format.shortDay(entry.session.startsOn, language)) → \(Format.shortDay(entry.session.endsOn, language))",
                status: entry.enrolment.status.name(in: language),
                // The last events only: a line's whole history is on its session's page.
                events: entry.history.suffix(Self.eventsShown).map { event in
                    let values = [
                        "at": Format.shortDay(Day.of(event.at), language), "to": event.to.name(in: language), "actor": event.actor,
                        "reason": event.reason ?? "",
                    ]
                    return page.t(event.reason == nil ? "trainee.event" : "trainee.event_reason", values)
                },
                historyLink: entry.history.count > Self.eventsShown
                    ? HistoryLink(
                        label: page.t("roster.history_count", ["count": String(entry.history.count)]),
                        path: "/sessions/\(PageRequest.segment(entry.session.code))?lang=\(language.rawValue)&history=\(PageRequest.segment(t.staffNumber))#line-\(PageRequest.segment(t.staffNumber))")
                    : nil,
                certificate: entry.certificate.map { CertificateLink(serial: $0.serial, state: $0.status(on: today).name(in: language)) },
                scans: AttendanceScanPage.lines(scans[entry.session.code] ?? [], language: language, withDay: true),
                hasScans: scans[entry.session.code] != nil)
        }
        let view = View(
            manage: actor.managesRegister ? Manage(path: PageRequest.segment(t.staffNumber), active: t.active) : nil, name: "\(t.familyName) \(t.givenName)",
            facts: facts, entries: entries, hasEntries: !entries.isEmpty)
        let done = request.formQuery.get("done").flatMap { ["added", "saved", "activated", "deactivated"].contains($0) ? $0 : nil }
        return page.render("trainee", title: view.name, view: view, flash: done.map { .ok([page.t("hr.trainee.done.\($0)")]) }, wide: true)
    }
}
