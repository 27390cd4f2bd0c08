import ArgumentParser
import Foundation
import KalanCore

/// `kalan calls open|applications|decide` and `kalan evaluations export`: HR's side of issue 26
/// from the command line.
struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls", abstract: "Calls for applicants: open a session to applications, list them, decide.",
        subcommands: [Open.self, Applications.self, Decide.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a session to applications (again: change its call).",
            discussion: "Example: kalan calls open S-TV-2027-01 --closes-on 2027-02-01 --department ORTM --category A --category B")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session code.") var session: String
        @Option(help: "The last day to apply or withdraw (YYYY-MM-DD), before the session's first day.") var closesOn: String
        @Option(help: "A department code that may apply (repeat; none: every department).") var department: [String] = []
        @Option(help: "A category that may apply (repeat; none: every category).") var category: [String] = []

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let call = try await CallsForApplicants(repository: ctx.repository, clock: ctx.clock).open(
                    sessionCode: session, closesOn: closesOn, departmentCodes: department, categories: category, actor: ctx.actor)
                ctx.say("staff.cli.call_opened", ["session": session.uppercased(), "closes": call.closesOn.description])
            }
        }
    }

    struct Applications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A session's applications, oldest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The session code.") var session: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let found = try await CallsForApplicants(repository: ctx.repository, clock: ctx.clock).applications(sessionCode: session, actor: ctx.actor)
                ctx.print(
                    Listing(
                        columns: ["staff_number", "name", "category", "applied_on", "status", "motivation", "reason"],
                        cells: found.lines.map { line in
                            [
                                .text(line.trainee.staffNumber), .text(line.trainee.fullName), .optional(line.trainee.category), .text(line.application.appliedOn.description),
                                .text(line.application.status.rawValue), .text(line.application.motivation), .optional(line.application.reason),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an application (nominated and approved under the usual rules) or decline it with a reason (the person is told).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session code.") var session: String
        @Argument(help: "The staff number.") var staffNumber: String
        @Flag(help: "Accept the application.") var accept = false
        @Option(help: "Decline the application, for this reason.") var decline: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                guard accept != (decline != nil) else { throw KalanError.invalid(field: "decision", problem: .oneOf(["--accept", "--decline"])) }
                let application = try await CallsForApplicants(repository: ctx.repository, clock: ctx.clock).decide(
                    sessionCode: session, staffNumber: staffNumber, accept: accept, reason: decline, actor: ctx.actor)
                ctx.say("staff.cli.decided", ["staff": staffNumber, "status": ctx.t("staff.calls.status.\(application.status.rawValue)")])
            }
        }
    }
}

struct EvaluationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluations", abstract: "Participants' anonymous evaluations: figures per group, never under 3 answers.",
        subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The figures per session, course, partner or trainer, and the comments without names (CSV as the page's download).",
            discussion: "Example: kalan evaluations export --by partner > evaluations.csv")
        @OptionGroup var global: GlobalOptions
        @Option(help: "session, course, partner or trainer.") var by = "session"
        @Option(help: "csv (default: the page's download) or table.") var format = "csv"

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let dimension = try Validate.choice(by, as: EvaluationDimension.self, field: "by")
                let figures = try await SessionEvaluations(repository: ctx.repository, clock: ctx.clock).figures(by: dimension, actor: ctx.actor)
                let rows = EvaluationTable.rows(figures, by: dimension, language: ctx.language)
                switch format {
                case "csv": print(EvaluationTable.csv(figures, by: dimension, language: ctx.language), terminator: "")
                case "table": ctx.print(Listing(columns: rows.first ?? [], rows: Array(rows.dropFirst())).render(.table))
                default: throw KalanError.invalid(field: "format", problem: .oneOf(["csv", "table"]))
                }
            }
        }
    }
}
