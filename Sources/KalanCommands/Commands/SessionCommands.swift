import ArgumentParser
import Foundation
import KalanCore
import KalanStore

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Sessions (cohorts): schedule, status, roster.",
        subcommands: [Add.self, List.self, Status.self, Roster.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule a session of a course.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Option var course: String
        @Option var partner: String
        @Option var programme: String?
        @Option(name: .customLong("from"), help: "YYYY-MM-DD") var startsOn: String
        @Option(name: .customLong("to"), help: "YYYY-MM-DD") var endsOn: String
        @Option(help: "in_person, online, hybrid.") var mode = "in_person"
        @Option var city: String?
        @Option var country: String?
        @Option var capacity: Int
        @Option(help: "Enrolment deadline, YYYY-MM-DD.") var deadline: String?
        @Option var status = "planned"

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let s = try await ctx.register.addSession(
                    .init(
                        code: code, courseCode: course, partnerCode: partner, programmeCode: programme, startsOn: startsOn, endsOn: endsOn, mode: mode,
                        city: city, country: country, capacity: capacity, enrolmentDeadline: deadline, status: status),
                    actor: ctx.actor)
                ctx.say("cli.session.added", ["code": "\(s.code)", "capacity": "\(s.capacity)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions by start date, with filters.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "planned, open, in_progress, completed or cancelled.") var status: String?
        @Option(help: "A course code.") var course: String?
        @Option(help: "Sessions that end on or after YYYY-MM-DD.") var from: String?
        @Option(help: "Sessions that start on or before YYYY-MM-DD.") var to: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                var filter = SessionFilter()
                filter.status = try status.map { try Validate.choice($0, as: SessionStatus.self, field: "status") }
                filter.courseCode = try course.map { try Validate.code($0, field: "course") }
                filter.from = try from.map { try Validate.day($0, field: "from") }
                filter.to = try to.map { try Validate.day($0, field: "to") }
                let query = filter
                let page = try await SessionQueries(repository: ctx.repository).list(query, actor: ctx.actor)
                let sessions = page.sessions
                ctx.print(
                    Listing(
                        columns: ["code", "course", Column("from", key: "startsOn"), Column("to", key: "endsOn"), "place", "capacity", "status"],
                        cells: sessions.map {
                            [
                                .text($0.code), .optional(page.courses[$0.courseID]?.code), .text("\($0.startsOn)"), .text("\($0.endsOn)"),
                                .text($0.mode == .online ? "online" : "\($0.city ?? "") (\($0.country ?? ""))"), .int($0.capacity), .text($0.status.rawValue),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a session: open, in_progress, completed or cancelled.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Argument(help: "open, in_progress, completed, cancelled.") var status: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let next = try Validate.choice(status.replacingOccurrences(of: "-", with: "_"), as: SessionStatus.self, field: "status")
                let s = try await ctx.register.moveSession(code: code, to: next, actor: ctx.actor)
                ctx.say("cli.session.moved", ["code": "\(s.code)", "status": s.status.name(in: ctx.language)])
            }
        }
    }

    struct Roster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A session's roster: status, attendance, scores.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument var code: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let (session, lines) = try await ctx.results.roster(sessionCode: code, actor: ctx.actor)
                let days = session.trainingDays.count
                ctx.print(
                    Listing(
                        columns: [
                            "staff_number", "name", "department", "status", Column("waitlist", key: "waitlistPosition"), Column("attendance_%", key: "attendanceRate"),
                            Column("pre", key: "preScore"), Column("post", key: "postScore"),
                        ],
                        cells: lines.map {
                            [
                                .text($0.trainee.staffNumber), .text($0.trainee.fullName), .optional($0.departmentCode), .text($0.enrolment.status.rawValue),
                                .optional($0.enrolment.waitlistPosition), .number($0.attendanceRate(trainingDays: days), digits: 0),
                                .optional($0.preScore, digits: 1), .optional($0.postScore, digits: 1),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }
}
