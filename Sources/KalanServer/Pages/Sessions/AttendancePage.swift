import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// One day's attendance sheet, as saved: each line shows its saved mark (or that it is not marked
/// yet), the days still to mark are listed, and the form carries the version it was read at. A
/// save over marks that someone changed meanwhile is refused with the differences shown.
struct AttendancePage: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let clock: WallClock

    struct DayLink {
        var iso: String
        var label: String
        var current: Bool
        var unmarked: Bool
    }

    struct Choice {
        var code: String
        var label: String
        var checked: Bool
    }

    struct Line {
        var staff: String
        var name: String
        var saved: String?
        var closed: Bool
        var choices: [Choice]
    }

    struct Difference {
        var staff: String
        var name: String
        var wanted: String
        var saved: String
    }

    struct Differences { var items: [Difference] }

    struct View {
        var code: String
        var path: String
        var course: String
        var day: String
        var dayLabel: String
        var days: [DayLink]
        var unmarkedDays: String?
        var version: String
        var lines: [Line]
        var hasLines: Bool
        var differences: Differences?
    }

    var recording: ResultsRecording { ResultsRecording(repository: repository) }

    func show(_ request: Request, code: String) async throws -> Response {
        let page = try await accounts.page(request)
        let actor = try page.requireUser().actor
        let sheet: AttendanceSheet
        if let text = request.uri.queryParameters.get("day"), !text.isEmpty {
            guard let day = Day(text) else { throw KalanError.invalid(field: "day", problem: .format(expected: "YYYY-MM-DD")) }
            sheet = try await recording.attendanceSheet(sessionCode: code, day: day, actor: actor)
        } else {
            sheet = try await defaultSheet(code: code, actor: actor)
        }
        return try await render(page, sheet: sheet, flash: done(page))
    }

    func save(_ request: Request, code: String) async throws -> Response {
        let page = try await accounts.page(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard let day = fields["day"].flatMap({ Day($0) }) else { throw KalanError.invalid(field: "day", problem: .format(expected: "YYYY-MM-DD")) }
        var marks: [ResultsRecording.AttendanceMark] = []
        for (name, value) in fields.all where name.hasPrefix("m.") {
            guard let status = AttendanceStatus(rawValue: value) else {
                throw KalanError.invalid(field: name, problem: .oneOf(AttendanceStatus.allCases.map { $0.name(in: page.language) }))
            }
            marks.append(.init(staffNumber: String(name.dropFirst(2)), day: day, status: status))
        }
        do {
            _ = try await recording.recordAttendance(sessionCode: code, marks: marks, expectedVersion: fields["version"] ?? "", actor: actor)
        } catch KalanError.attendanceChanged(_, let differences) {
            let sheet = try await recording.attendanceSheet(sessionCode: code, day: day, actor: actor)
            let items = differences.map {
                Difference(
                    staff: $0.staffNumber, name: $0.fullName, wanted: $0.wanted.name(in: page.language),
                    saved: $0.saved?.name(in: page.language) ?? page.t("attendance.unmarked"))
            }
            return try await render(page, sheet: sheet, differences: Differences(items: items), status: .conflict)
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))/attendance?day=\(day)", done: "attendance")
    }

    /// Without `?day=`: today when it is a training day, else the first day still to mark, else the
    /// first day. (The sheet itself checks that the actor may see the session.)
    func defaultSheet(code: String, actor: Actor) async throws -> AttendanceSheet {
        guard let session = try await repository.transaction({ try await $0.session(code: code) }) else { throw KalanError.notFound(.session, key: code) }
        let days = session.trainingDays, today = clock.today()
        guard let first = days.first else { throw KalanError.rule(.dayOutsideSession(day: today)) }
        if days.contains(today) { return try await recording.attendanceSheet(sessionCode: code, day: today, actor: actor) }
        let probe = try await recording.attendanceSheet(sessionCode: code, day: first, actor: actor)
        guard let next = probe.unmarkedDays.first, next != first else { return probe }
        return try await recording.attendanceSheet(sessionCode: code, day: next, actor: actor)
    }

    func render(_ page: PageRequest, sheet: AttendanceSheet, differences: Differences? = nil, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let language = page.language
        let session = sheet.session
        let course = try await repository.transaction { try await $0.course(id: session.courseID) }
        let unmarked = Set(sheet.unmarkedDays)
        let view = View(
            code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "", day: sheet.day.description,
            dayLabel: Format.day(sheet.day, language),
            days: session.trainingDays.map {
                DayLink(iso: $0.description, label: Format.shortDay($0, language), current: $0 == sheet.day, unmarked: unmarked.contains($0))
            },
            unmarkedDays: sheet.unmarkedDays.isEmpty ? nil : sheet.unmarkedDays.map { Format.shortDay($0, language) }.joined(separator: ", "),
            version: sheet.version,
            lines: sheet.lines.map { line in
                Line(
                    staff: line.staffNumber, name: line.fullName, saved: line.status?.name(in: language), closed: line.closed,
                    choices: AttendanceStatus.allCases.map { Choice(code: $0.rawValue, label: $0.name(in: language), checked: $0 == line.status) })
            },
            hasLines: !sheet.lines.isEmpty, differences: differences)
        return page.render("attendance", title: page.t("attendance.title"), view: view, flash: flash, wide: true, status: status)
    }

    func done(_ page: PageRequest) -> PageContext.Flash? {
        page.request.uri.queryParameters.get("done") == "attendance" ? .ok([page.t("roster.done.attendance")]) : nil
    }
}
