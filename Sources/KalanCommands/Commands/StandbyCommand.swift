import ArgumentParser
import EmbeddedPostgres
import Foundation
import KalanConfiguration
import KalanCore

/// `kalan db standby --data-dir B --from A`: a hot standby of the embedded primary in A, fed by
/// streaming replication, for statistics reads (KALAN_READ_DATABASE_URL) and for fail-over.
struct Standby: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make --data-dir a hot standby of the embedded primary in --from (pg_basebackup, streaming replication) and start it.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The primary's data folder (to make a standby).") var from: String?
    @Flag(help: "Promote the standby in --data-dir to a primary (after the primary is lost), instead of making one.") var promote = false

    func validate() throws {
        if !promote && from == nil { throw ValidationError("--from: the primary's data folder") }
    }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let language = global.language
        let options = EmbeddedPostgres.Options(binDirectory: GlobalOptions.settings.postgresBinDirectory)
        let standby = EmbeddedPostgres(dataDirectory: global.resolvedDataDirectory, options: options, logger: logger)
        do {
            if promote {
                try await standby.promote()
                print(Messages.text("cli.standby.promoted", language, ["folder": standby.dataDirectory.path]))
                return
            }
            let folder = URL(fileURLWithPath: from ?? "", relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
            let primary = EmbeddedPostgres(dataDirectory: folder, options: options, logger: logger)
            let lease = try await primary.lease()
            do {
                try await standby.createStandby(of: primary)
            } catch {
                try? await lease.release()
                throw error
            }
            try await lease.release()
            print(Messages.text("cli.standby.ready", language, ["folder": standby.dataDirectory.path, "url": standby.url(database: DatabaseRuntime.databaseName)]))
        } catch {
            FileHandle.standardError.write(Data(("kalan: " + CommandContext.message(for: error, in: language) + "\n").utf8))
            throw ExitCode(CommandContext.exitCode(for: error))
        }
    }
}
