import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// One day's attendance sheet, as saved: each line shows its saved mark (or that it is not marked
/// yet), the days still to mark are listed, and the form carries the version it was read at. A
/// save over marks that someone changed meanwhile is refused with the differences shown.
struct AttendancePage: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    struct DayLink {
        var iso, label: String
        var current, unmarked: Bool
    }

    struct Choice {
        var code, label: String
        var checked: Bool
    }

    struct Line {
        var staff, name: String
        var saved: String?
        /// The saved mark's code (present, absent, excused; empty when unmarked), for the offline script.
        var savedCode: String
        var closed: Bool
        /// Shown but not to be changed here (closed line, or a reader who may not mark).
        var locked: Bool
        var choices: [Choice]
    }

    struct Difference {
        var staff, name, wanted, saved: String
        /// Someone else changed this line since the sheet was read (else: only this person's unsaved mark).
        var changedMeanwhile: Bool
    }

    struct Differences { var items: [Difference] }

    struct View {
        var code, path, course, day, dayLabel: String
        var days: [DayLink]
        var unmarkedDays: String?
        var version: String
        var lines: [Line]
        var hasLines: Bool
        var differences: Differences?
        /// The reader may mark this sheet (else it is shown read-only, saying who may).
        var writable: Bool
        /// Every line is closed (results closed): nothing to save.
        var allClosed: Bool
        /// The training room: the day's printed sheet and its signed scans.
        var room: Room
    }

    /// The day's sign-in sheet to print, the scans kept of it, and the upload form for those who mark.
    struct Room {
        var scans: [AttendanceScanPage.Line]
        var hasScans, canUpload: Bool
        var scanHint: String
    }

    var recording: ResultsRecording { ResultsRecording(repository: repository) }

    func show(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let sheet: AttendanceSheet
        if let text = request.formQuery.get("day"), !text.isEmpty {
            guard let day = Day(text) else { throw KalanError.invalid(field: "day", problem: .format(.date)) }
            sheet = try await recording.attendanceSheet(sessionCode: code, day: day, actor: actor)
        } else {
            sheet = try await defaultSheet(code: code, actor: actor)
        }
        return try await render(page, sheet: sheet, flash: done(page))
    }

    func save(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard let day = fields["day"].flatMap({ Day($0) }) else { throw KalanError.invalid(field: "day", problem: .format(.date)) }
        var marks: [ResultsRecording.AttendanceMark] = []
        for (name, value) in fields.all where name.hasPrefix("m.") {
            guard let status = AttendanceStatus(rawValue: value) else {
                throw KalanError.invalid(field: name, problem: .oneOf(AttendanceStatus.allCases.map { $0.name(in: page.language) }))
            }
            marks.append(.init(staffNumber: String(name.dropFirst(2)), day: day, status: status))
        }
        let read = fields["version"] ?? ""
        let versions: [Day: String]
        do {
            versions = try await recording.recordAttendance(sessionCode: code, marks: marks, expectedVersion: read, actor: actor)
        } catch KalanError.attendanceChanged(_, let differences) {
            // Every line where this person's form differs from the sheet as it is now: the marks
            // someone else changed, and this person's own marks that were not saved either. The
            // sheet below is filled with this person's marks over the current version: one press
            // of the button applies them again.
            let sheet = try await recording.attendanceSheet(sessionCode: code, day: day, actor: actor)
            let changed = Set(differences.map(\.staffNumber))
            let wanted = Dictionary(marks.map { ($0.staffNumber, $0.status) }, uniquingKeysWith: { _, last in last })
            let items = sheet.lines.compactMap { line -> Difference? in
                guard let mine = wanted[line.staffNumber], mine != line.status, !line.closed else { return nil }
                return Difference(
                    staff: line.staffNumber, name: line.fullName, wanted: mine.name(in: page.language),
                    saved: line.status?.name(in: page.language) ?? page.t("attendance.unmarked"), changedMeanwhile: changed.contains(line.staffNumber))
            }
            return try await render(page, sheet: sheet, differences: Differences(items: items), wanted: wanted, status: .conflict)
        }
        // "Saved" only when something was: the same version means no mark changed.
        let done = versions[day].map { $0 != read } ?? false ? "attendance" : "attendance_unchanged"
        return page.redirect("/sessions/\(PageRequest.segment(code))/attendance?day=\(day)", done: done)
    }

    /// Without `?day=`: today when it is a training day, else the first day still to mark, else the
    /// first day. (The sheet itself checks that the actor may see the session.)
    func defaultSheet(code: String, actor: Actor) async throws -> AttendanceSheet {
        let session = try await SessionQueries(repository: repository).session(code: code, actor: actor)
        let days = session.trainingDays, today = clock.today()
        guard let first = days.first else { throw KalanError.rule(.dayOutsideSession(day: today)) }
        if days.contains(today) { return try await recording.attendanceSheet(sessionCode: code, day: today, actor: actor) }
        let probe = try await recording.attendanceSheet(sessionCode: code, day: first, actor: actor)
        guard let next = probe.unmarkedDays.first, next != first else { return probe }
        return try await recording.attendanceSheet(sessionCode: code, day: next, actor: actor)
    }

    func render(
        _ page: PageRequest, sheet: AttendanceSheet, differences: Differences? = nil, wanted: [String: AttendanceStatus] = [:],
        flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = page.language
        let session = sheet.session
        let course = try await SessionQueries(repository: repository).course(of: session, actor: try page.requireUser().actor)
        let unmarked = Set(sheet.unmarkedDays)
        let writable = page.user?.actor.canRecord(for: session) ?? false
        let scans = try await AttendanceScans(repository: repository, clock: clock).scans(
            sessionCode: session.code, day: sheet.day, actor: try page.requireUser().actor)
        let hint = page.t("room.scan.hint", ["size": String(AttendanceScans.maxBytes >> 20)])
        let view = View(
            code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "", day: sheet.day.description,
            dayLabel: Format.day(sheet.day, language),
            days: session.trainingDays.map {
                DayLink(iso: $0.description, label: Format.shortDay($0, language), current: $0 == sheet.day, unmarked: unmarked.contains($0))
            },
            unmarkedDays: sheet.unmarkedDays.isEmpty ? nil : sheet.unmarkedDays.map { Format.shortDay($0, language) }.joined(separator: ", "),
            version: sheet.version,
            lines: sheet.lines.map { line in
                let shown = line.closed ? line.status : (wanted[line.staffNumber] ?? line.status)
                return Line(
                    staff: line.staffNumber, name: line.fullName, saved: line.status?.name(in: language), savedCode: line.status?.rawValue ?? "",
                    closed: line.closed, locked: line.closed || !writable,
                    choices: AttendanceStatus.allCases.map { Choice(code: $0.rawValue, label: $0.name(in: language), checked: $0 == shown) })
            },
            hasLines: !sheet.lines.isEmpty, differences: differences, writable: writable, allClosed: sheet.lines.allSatisfy(\.closed),
            room: Room(
                scans: AttendanceScanPage.lines(scans, language: language), hasScans: !scans.isEmpty, canUpload: writable && !sheet.lines.isEmpty,
                scanHint: hint))
        return page.render("attendance", title: page.t("attendance.title"), view: view, flash: flash, wide: true, status: status)
    }

    func done(_ page: PageRequest) -> PageContext.Flash? {
        switch page.request.formQuery.get("done") {
        case "attendance": .ok([page.t("roster.done.attendance")])
        case "attendance_unchanged": .ok([page.t("attendance.unchanged")])
        case "scan": .ok([page.t("room.scan.done")])
        case "scan_same": .ok([page.t("room.scan.done_same")])
        default: nil
        }
    }
}
