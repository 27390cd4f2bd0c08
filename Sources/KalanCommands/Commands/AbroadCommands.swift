import ArgumentParser
import Foundation
import KalanCore

/// `kalan abroad`: participants' files for trainings abroad (authorisation, departure, return,
/// extensions, resumption of duty, funding, report) and the lists HR uses.
struct AbroadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abroad", abstract: "Files of staff trained abroad: who is away, who returns this month, who is overdue.",
        subcommands: [Open.self, List.self, Resume.self, Extend.self, Report.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a participant's file (a session outside Mali or longer than 30 days).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's code.") var session: String
        @Argument(help: "The staff number.") var staff: String
        @Option(help: "YYYY-MM-DD") var departs: String
        @Option(help: "Planned return, YYYY-MM-DD.") var returns: String
        @Option(help: "partner_scholarship, state or self_funded.") var funding: String
        @Option(help: "The authorisation decision's number.") var authorisation: String?
        @Option(help: "The decision's date, YYYY-MM-DD.") var authorisationDate: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let file = try await AbroadFiles(repository: ctx.repository, clock: ctx.clock).open(
                    AbroadFileInput(
                        sessionCode: session, staffNumber: staff, authorisationNumber: authorisation, authorisationDate: authorisationDate, departsOn: departs,
                        returnsOn: returns, funding: funding), actor: ctx.actor)
                ctx.say("cli.abroad.opened", ["staff": file.staffNumber, "session": file.sessionCode, "day": "\(file.returnsOn)"])
                ctx.print(file.id.uuidString.lowercased())
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Files: all, or who is away now, returns this month, is overdue.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Flag(help: "Planned return passed, no resumption of duty recorded.") var overdue = false
        @Flag(help: "Gone and not back yet.") var away = false
        @Flag(help: "Due back this month.") var returning = false
        @Option(help: "A department's code.") var department: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let list: AbroadList = overdue ? .overdue : (away ? .away : (returning ? .returning : .all))
                let files = AbroadFiles(repository: ctx.repository, clock: ctx.clock)
                let today = files.today
                let found = try await files.list(list, departmentCode: department, actor: ctx.actor)
                ctx.print(
                    Listing(
                        columns: [
                            "id", Column("staff_number", key: "staffNumber"), "name", "department", "session", "country", Column("departs", key: "departsOn"),
                            Column("due", key: "dueOn"), Column("resumed", key: "resumedOn"), Column("days_late", key: "daysLate"), "funding",
                        ],
                        cells: found.map {
                            [
                                .text($0.id.uuidString.lowercased()), .text($0.staffNumber), .text($0.name), .optional($0.departmentCode), .text($0.sessionCode),
                                .optional($0.country), .text("\($0.departsOn)"), .text("\($0.dueOn)"), .optional($0.resumedOn.map { "\($0)" }),
                                $0.isOverdue(on: today) ? .int(today.ordinal - $0.dueOn.ordinal) : .null, .text($0.funding.rawValue),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the day a person resumed duty.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file's id.") var id: String
        @Argument(help: "YYYY-MM-DD") var day: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await AbroadFiles(repository: ctx.repository, clock: ctx.clock).recordResumption(fileID: try Self.file(id), on: day, actor: ctx.actor)
                ctx.say("cli.abroad.resumed")
            }
        }

        static func file(_ id: String) throws -> UUID {
            guard let uuid = UUID(uuidString: id) else { throw KalanError.invalid(field: "id", problem: .format(.identifier)) }
            return uuid
        }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extend a stay: the new return day and the reason.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file's id.") var id: String
        @Argument(help: "New return, YYYY-MM-DD.") var day: String
        @Option var reason: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await AbroadFiles(repository: ctx.repository, clock: ctx.clock).extend(fileID: try Resume.file(id), to: day, reason: reason, actor: ctx.actor)
                ctx.say("cli.abroad.extended", ["day": day])
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hand in the end-of-mission report (a file of at most 10 MB).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file's id.") var id: String
        @Argument(help: "The report's path.") var path: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                guard let data = FileManager.default.contents(atPath: path) else { throw KalanError.invalid(field: "report", problem: .unknownReference(path)) }
                try await AbroadFiles(repository: ctx.repository, clock: ctx.clock).attachReport(
                    fileID: try Resume.file(id), name: URL(fileURLWithPath: path).lastPathComponent, data: data, actor: ctx.actor)
                ctx.say("cli.abroad.report", ["bytes": "\(data.count)"])
            }
        }
    }
}
