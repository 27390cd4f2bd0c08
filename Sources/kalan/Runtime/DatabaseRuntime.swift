import EmbeddedPostgres
import Foundation
import KalanStore
import Logging
import Postgres

/// The database a command works on: the one named by KALAN_DATABASE_URL, or the embedded
/// server in the data folder, started for the command and stopped after it if it was not running.
struct DatabaseRuntime {
    let pool: PostgresPool
    let embedded: EmbeddedPostgres?
    let startedEmbedded: Bool

    static let databaseName = "kalan"

    static func open(_ options: GlobalOptions, logger: Logger, maxConnections: Int = 4) async throws -> DatabaseRuntime {
        if let url = options.resolvedDatabaseURL {
            let pool = PostgresPool(configuration: .init(url: url), maxConnections: maxConnections, logger: logger)
            return DatabaseRuntime(pool: pool, embedded: nil, startedEmbedded: false)
        }
        let embedded = EmbeddedPostgres(
            dataDirectory: options.resolvedDataDirectory, options: .init(binDirectory: GlobalOptions.settings.postgresBinDirectory), logger: logger)
        let started = try await embedded.start()
        try await embedded.createDatabase(databaseName)
        let pool = PostgresPool(
            configuration: .init(url: embedded.url(database: databaseName)), maxConnections: maxConnections, logger: logger)
        return DatabaseRuntime(pool: pool, embedded: embedded, startedEmbedded: started)
    }

    /// Closes the pool and stops the embedded server if this process started it.
    func close() async {
        await pool.close()
        if startedEmbedded, let embedded {
            do { try await embedded.stop() } catch { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
        }
    }

    /// Runs `body` and always closes, even when it throws.
    static func with<T>(
        _ options: GlobalOptions, logger: Logger, maxConnections: Int = 4, _ body: (DatabaseRuntime) async throws -> T
    ) async throws -> T {
        let runtime = try await open(options, logger: logger, maxConnections: maxConnections)
        do {
            let value = try await body(runtime)
            await runtime.close()
            return value
        } catch {
            await runtime.close()
            throw error
        }
    }
}
