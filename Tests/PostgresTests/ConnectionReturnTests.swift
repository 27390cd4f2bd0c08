import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: a connection goes back to the pool only when it is idle")
struct ConnectionReturnTests {
    static func pid(_ pool: PostgresPool) async throws -> Int32 {
        try await pool.query("SELECT pg_backend_pid() AS pid").firstRow().decode("pid", as: Int32.self)
    }

    /// A borrower that leaves a transaction open (PQtransactionStatus not idle): the connection is
    /// closed, not lent again, and the next borrower is not inside that transaction.
    @Test func aConnectionLeftInATransactionIsDiscarded() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            try await pool.query("CREATE TABLE mark (n int)")
            let first = try await Self.pid(pool)
            try await pool.withConnection { connection in
                try await connection.run("BEGIN")
                try await connection.query("INSERT INTO mark VALUES (1)")
            }
            let second = try await Self.pid(pool)
            #expect(second != first, "a new connection")
            #expect(try await pool.query("SELECT count(*) AS n FROM mark").firstRow().decode("n", as: Int.self) == 0)
            #expect(try await pool.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(first)").firstRow().decode("n", as: Int.self) == 0)
        }
    }

    /// A transaction whose task is cancelled between two statements (the second is refused) is
    /// rolled back all the same: its ROLLBACK does not inherit the cancellation, and the
    /// connection goes back idle.
    @Test func aTransactionOfACancelledTaskIsRolledBackBeforeTheConnectionIsLentAgain() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            try await pool.query("CREATE TABLE mark (n int)")
            let first = try await Self.pid(pool)
            let task = Task {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO mark VALUES (1)")
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await connection.query("INSERT INTO mark VALUES (2)")
                }
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(try await pool.query("SELECT count(*) AS n FROM mark").firstRow().decode("n", as: Int.self) == 0)
            #expect(try await Self.pid(pool) == first, "rolled back, the connection is lent again")
            let state = try await pool.query("SELECT state FROM pg_stat_activity WHERE pid = \(first)").firstRow().decode("state", as: String.self)
            #expect(state == "active", "it runs this statement, in no transaction left open")
        }
    }
}
