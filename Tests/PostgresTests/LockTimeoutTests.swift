import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: a statement waiting for a lock gives up after the lock timeout")
struct LockTimeoutTests {
    @Test func aStatementWaitingForALockPastTheLockTimeoutIsCancelledWithLockNotAvailable() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { holder in
            let limited = PostgresPool(configuration: .init(url: holder.configuration.url, lockTimeoutSeconds: 1), maxConnections: 1)
            #expect(try await limited.query("SHOW lock_timeout").firstRow().decode("lock_timeout", as: String.self) == "1s")
            try await holder.query("CREATE TABLE held (n int)")
            let clock = ContinuousClock()
            try await holder.withTransaction { connection in
                try await connection.query("LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
                let start = clock.now
                let refusal = await #expect(throws: PostgresError.self) { try await limited.query("SELECT count(*) FROM held") }
                #expect(refusal?.sqlState == "55P03")
                // Measured for the record; the bound is generous (the lock is held until the block ends).
                #expect(start.duration(to: clock.now) < .seconds(10))
            }
            // The refused connection serves the next statement.
            #expect(try await limited.query("SELECT count(*) AS n FROM held").firstRow().decode("n", as: Int.self) == 0)
            await limited.close()
        }
    }

    @Test func zeroMeansNoLockTimeout() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let unlimited = PostgresPool(configuration: .init(url: pool.configuration.url, lockTimeoutSeconds: 0), maxConnections: 1)
            #expect(try await unlimited.query("SHOW lock_timeout").firstRow().decode("lock_timeout", as: String.self) == "0")
            await unlimited.close()
        }
    }
}
