import EmbeddedPostgres
import Foundation
import KalanConfiguration
import KalanStore
import Logging
import Postgres

/// The database a command works on: the one named by KALAN_DATABASE_URL, or the embedded
/// server in the data folder, started for the command (or waited for, when another command is
/// starting it) and stopped after the last command that uses it, if a command started it.
public struct DatabaseRuntime: Sendable {
    public let pool: PostgresPool
    /// The libpq URL of the database, for PostgreSQL's own tools (pg_dump, pg_restore).
    let url: String
    let embedded: EmbeddedPostgres?
    let lease: EmbeddedPostgres.Lease?

    static let databaseName = "kalan"

    /// `statementTimeoutSeconds`, `lockTimeoutSeconds`: PostgreSQL's `statement_timeout` and
    /// `lock_timeout` on every connection (the server's).
    public static func open(
        _ options: GlobalOptions, logger: Logger, maxConnections: Int = 4, statementTimeoutSeconds: Int? = nil, lockTimeoutSeconds: Int? = nil
    ) async throws -> DatabaseRuntime {
        let configuration = { (url: String) in
            PostgresConfiguration(url: url, statementTimeoutSeconds: statementTimeoutSeconds, lockTimeoutSeconds: lockTimeoutSeconds)
        }
        if let url = options.resolvedDatabaseURL {
            let pool = PostgresPool(
                configuration: configuration(url), maxConnections: maxConnections, logger: logger)
            return DatabaseRuntime(pool: pool, url: url, embedded: nil, lease: nil)
        }
        let embedded = EmbeddedPostgres(
            dataDirectory: options.resolvedDataDirectory, options: .init(binDirectory: GlobalOptions.settings.postgresBinDirectory), logger: logger)
        let lease = try await embedded.lease()
        do {
            try await embedded.createDatabase(databaseName)
        } catch {
            try? await lease.release()
            throw error
        }
        let url = embedded.url(database: databaseName)
        let pool = PostgresPool(configuration: configuration(url), maxConnections: maxConnections, logger: logger)
        return DatabaseRuntime(pool: pool, url: url, embedded: embedded, lease: lease)
    }

    /// Closes the pool and gives the embedded server up (the last command out stops it).
    public func close() async {
        await pool.close()
        if let lease {
            do { try await lease.release() } catch { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
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
