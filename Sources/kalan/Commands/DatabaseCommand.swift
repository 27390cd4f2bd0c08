import ArgumentParser
import Foundation
import KalanCore
import KalanStore
import Logging

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Schema migrations and data.",
        subcommands: [Migrate.self, Status.self, Seed.self, Backup.self, Restore.self, Standby.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations, one transaction each.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = global.bootstrapLogging()
            let applied = try await DatabaseRuntime.with(global, logger: logger) { try await Migrator(logger: logger).migrate($0.pool) }
            let language = global.language
            if applied.isEmpty {
                print(Messages.text("cli.db.up_to_date", language))
            } else {
                for migration in applied { print(Messages.text("cli.db.applied", language, ["version": "\(migration.version)", "name": migration.name])) }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = global.bootstrapLogging()
            let statuses = try await DatabaseRuntime.with(global, logger: logger) { try await Migrator(logger: logger).status($0.pool) }
            let language = global.language
            for status in statuses {
                let state =
                    status.appliedAt.map { Messages.text("cli.db.applied_on", language, ["at": ISO8601DateFormatter().string(from: $0)]) }
                    ?? Messages.text("cli.db.pending", language)
                print(String(format: "%04d", status.migration.version) + "  \(status.migration.name)  \(state)")
            }
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load demo data (--demo, from fixtures/) or generate a large register (--synthetic N).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "The ministry's departments, partners, programmes, courses, 300+ staff and sessions with results.") var demo = false
        @Flag(name: .customLong("if-empty"), help: "With --demo: do nothing when the register already has staff.") var ifEmpty = false
        @Option(help: "Folder of the demo fixtures (default: fixtures/ here or in the source tree).") var fixtures: String?
        @Option(help: "Generate this many trainees, N/20 sessions and 10 enrolments each.") var synthetic: Int?

        func validate() throws {
            if !demo && synthetic == nil { throw ValidationError("--demo or --synthetic N") }
            if let synthetic, !(1...10_000_000).contains(synthetic) { throw ValidationError("--synthetic: between 1 and 10000000") }
        }

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                if demo { try await DemoSeedCommand.seed(ctx, fixtures: fixtures, ifEmpty: ifEmpty, global: global) }
                if let synthetic {
                    let outcome = try await SyntheticSeed(trainees: synthetic).run(ctx.runtime.pool) { step in
                        ctx.logger.info("seeding", metadata: ["step": "\(step)"])
                    }
                    ctx.say(
                        "cli.seed.synthetic",
                        [
                            "trainees": "\(outcome.trainees)", "sessions": "\(outcome.sessions)", "enrolments": "\(outcome.enrolments)",
                            "seconds": "\(String(format: "%.1f", outcome.seconds))",
                        ])
                }
            }
        }
    }
}
