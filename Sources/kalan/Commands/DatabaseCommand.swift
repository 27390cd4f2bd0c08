import ArgumentParser
import Foundation
import KalanCore
import KalanStore

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Schema migrations and data.",
        subcommands: [Migrate.self, Status.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations, one transaction each.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = global.bootstrapLogging()
            let applied = try await DatabaseRuntime.with(global, logger: logger) { try await Migrator(logger: logger).migrate($0.pool) }
            let fr = global.language == .fr
            if applied.isEmpty {
                print(fr ? "Schéma à jour : aucune migration en attente." : "Schema up to date: no pending migration.")
            } else {
                for migration in applied { print((fr ? "appliquée " : "applied ") + "\(migration.version) \(migration.name)") }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = global.bootstrapLogging()
            let statuses = try await DatabaseRuntime.with(global, logger: logger) { try await Migrator(logger: logger).status($0.pool) }
            let fr = global.language == .fr
            for status in statuses {
                let state = status.appliedAt.map { (fr ? "appliquée le " : "applied ") + ISO8601DateFormatter().string(from: $0) }
                    ?? (fr ? "en attente" : "pending")
                print(String(format: "%04d", status.migration.version) + "  \(status.migration.name)  \(state)")
            }
        }
    }
}
