import EmbeddedPostgres
import Foundation
import KalanStore
import Logging
import Postgres

/// One throwaway PostgreSQL server per test run, and a fresh database per test, copied from a
/// migrated template so that tests are isolated and fast. The server stops when the run exits.
public actor TestDatabase {
    public static let shared = TestDatabase()

    public let server: EmbeddedPostgres
    private var ready: Task<Void, any Error>?
    private var counter = 0

    init() {
        let base = ProcessInfo.processInfo.environment["KALAN_TEST_DIR"] ?? NSTemporaryDirectory()
        let folder = URL(fileURLWithPath: base).appendingPathComponent("kalan-tests-\(getpid())")
        var logger = Logger(label: "kalan.tests")
        logger.logLevel = .warning
        let binaries = ProcessInfo.processInfo.environment["KALAN_PG_BINDIR"]
        server = EmbeddedPostgres(dataDirectory: folder, options: .init(durable: false, binDirectory: binaries, maxConnections: 500), logger: logger)
    }

    public static let templateName = "kalan_template"

    /// Starts the server and migrates the template, once per run.
    public func start() async throws {
        if ready == nil {
            let server = server
            ready = Task {
                try? await server.stop()
                try await server.start()
                TestDatabase.stopAtExit(server)
                try await server.createDatabase(TestDatabase.templateName)
                let pool = PostgresPool(configuration: .init(url: server.url(database: TestDatabase.templateName)), maxConnections: 1)
                do {
                    try await Migrator().migrate(pool)
                    await pool.close()
                } catch {
                    await pool.close()
                    throw error
                }
            }
        }
        try await ready!.value
    }

    /// A new, migrated database; its URL.
    public func freshDatabaseURL(migrated: Bool = true) async throws -> String {
        try await start()
        counter += 1
        let name = "kalan_test_\(counter)"
        try await server.createDatabase(name, template: migrated ? Self.templateName : "template0")
        return server.url(database: name)
    }

    /// Lends `body` a pool on a fresh database and closes it afterwards.
    /// The pool waits up to 180 s for a connection: in the whole suite on 2 cores, 60 concurrent
    /// approvals on 8 connections once waited past 30 s and failed as "unavailable"; how long a
    /// wait takes is the benchmarks' business, not the tests'.
    @discardableResult
    public static func withPool<T>(
        maxConnections: Int = 4, acquireTimeout: Duration = .seconds(180), migrated: Bool = true, _ body: (PostgresPool) async throws -> T
    ) async throws -> T {
        let url = try await shared.freshDatabaseURL(migrated: migrated)
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: maxConnections, acquireTimeout: acquireTimeout)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    nonisolated(unsafe) private static var serverToStop: EmbeddedPostgres?

    private static func stopAtExit(_ server: EmbeddedPostgres) {
        serverToStop = server
        atexit {
            guard let server = TestDatabase.serverToStop else { return }
            server.stopAtExit()
            try? FileManager.default.removeItem(at: server.dataDirectory)
        }
    }
}
