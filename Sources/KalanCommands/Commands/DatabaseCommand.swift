import ArgumentParser
import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import Logging
import Postgres

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
        static let configuration = CommandConfiguration(
            abstract: "Which PostgreSQL, which signing key, which public address; applied and pending migrations.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = global.bootstrapLogging()
            let language = global.language
            let statuses = try await DatabaseRuntime.with(global, logger: logger) { runtime in
                for line in try await Self.issuerLines(runtime, global: global, language: language) { print(line) }
                return try await Migrator(logger: logger).status(runtime.pool)
            }
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

extension DatabaseCommand.Status {
    /// PostgreSQL (version and where, no password), the recorded key beside this machine's key
    /// file, the recorded public address: what an operator checks before issuing certificates.
    static func issuerLines(_ runtime: DatabaseRuntime, global: GlobalOptions, language: Language) async throws -> [String] {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        let version = try await runtime.pool.query("SHOW server_version").first?.decode(at: 0, as: String.self) ?? "?"
        let place = runtime.embedded.map { $0.dataDirectory.path } ?? Self.withoutPassword(runtime.url)
        let record = (try? await SigningKeyInUse.record(on: runtime.pool)) ?? .init(keyID: nil, publicURL: nil, demo: false)
        let path = global.signingKeyPath
        let local = FileManager.default.fileExists(atPath: path) ? (try? IssuerKeyFile.load(path))?.didKey : nil
        let keyState: String
        if let database = record.keyID, let mine = local {
            keyState = t(database == mine ? "cli.db.status_key_same" : "cli.db.status_key_other", ["key": database, "mine": mine, "path": path])
        } else if let database = record.keyID {
            keyState = t("cli.db.status_key_missing", ["key": database, "path": path])
        } else if let mine = local {
            keyState = t("cli.db.status_key_unrecorded", ["key": mine, "path": path])
        } else {
            keyState = t("cli.db.status_key_none", ["path": path])
        }
        return [
            t("cli.db.status_postgres", ["version": version, "where": place]),
            keyState,
            t("cli.db.status_url", ["url": record.publicURL ?? t("cli.db.status_url_none")]) + (record.demo ? " " + t("cli.db.status_demo") : ""),
        ]
    }

    /// postgresql://user:secret@host/db → postgresql://user@host/db.
    static func withoutPassword(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = nil
        return parts.string ?? url
    }
}
