import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: a cancelled task cancels its statement and frees its connection")
struct StatementCancellationTests {
    /// Statements of this test's database that are running `pg_sleep` now, seen from `observer`.
    static func sleeping(_ observer: PostgresPool) async throws -> Int {
        try await observer.query(
            """
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()
            """
        ).firstRow().decode("n", as: Int.self)
    }

    /// Waits (up to 60 s: a loaded machine) until `observer` sees `count` statements sleeping.
    static func waitUntilSleeping(_ count: Int, _ observer: PostgresPool) async throws {
        for _ in 0..<1200 where try await sleeping(observer) != count { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await sleeping(observer) == count)
    }

    @Test func cancellingTheTaskStopsItsStatementAndThePoolServesTheNextAtOnce() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let observer = PostgresPool(configuration: .init(url: pool.configuration.url), maxConnections: 1)
            let sleeper = Task { try await pool.query("SELECT pg_sleep(30)") }
            try await Self.waitUntilSleeping(1, observer)
            let clock = ContinuousClock()
            let cancelledAt = clock.now
            sleeper.cancel()
            await #expect(throws: CancellationError.self) { try await sleeper.value }
            // The pool of one serves the next statement now, not in 30 s.
            #expect(try await pool.query("SELECT 1 AS one").firstRow().decode("one", as: Int.self) == 1)
            let elapsed = cancelledAt.duration(to: clock.now)
            print("cancelled statement: the next one served after \(elapsed)")
            #expect(elapsed < .seconds(5))
            #expect(try await Self.sleeping(observer) == 0, "the server stopped the statement")
            await observer.close()
        }
    }

    @Test func aTransactionWhoseTaskIsCancelledIsRolledBackAndItsLocksFreed() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let observer = PostgresPool(configuration: .init(url: pool.configuration.url), maxConnections: 1)
            try await pool.query("CREATE TABLE counter (n int)")
            let writer = Task {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO counter VALUES (1)")
                    try await connection.query("LOCK TABLE counter IN ACCESS EXCLUSIVE MODE")
                    try await connection.query("SELECT pg_sleep(30)")
                }
            }
            try await Self.waitUntilSleeping(1, observer)
            writer.cancel()
            await #expect(throws: CancellationError.self) { try await writer.value }
            // The lock is free (the observer reads the table) and the insert was rolled back.
            #expect(try await observer.query("SELECT count(*) AS n FROM counter").firstRow().decode("n", as: Int.self) == 0)
            #expect(try await pool.query("SELECT count(*) AS n FROM counter").firstRow().decode("n", as: Int.self) == 0)
            await observer.close()
        }
    }

    @Test func aTaskCancelledBeforeItsStatementDoesNotRunIt() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            try await pool.query("CREATE TABLE mark (n int)")
            try await pool.withConnection { connection in
                let started = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await connection.query("INSERT INTO mark VALUES (1)")
                }
                await #expect(throws: CancellationError.self) { try await started.value }
            }
            #expect(try await pool.query("SELECT count(*) AS n FROM mark").firstRow().decode("n", as: Int.self) == 0)
        }
    }
}
