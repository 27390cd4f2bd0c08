import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: the pool lends, waits and heals")
struct PoolTests {
    @Test func exhaustedPoolMakesCallersWaitThenProceeds() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<10 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            try await connection.query("SELECT pg_sleep(0.05)")
                            return i
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == Array(0..<10))
            let usage = await pool.usage()
            #expect(usage.open <= 2)
            #expect(usage.inUse == 0)
        }
    }

    @Test func brokenConnectionIsReplacedOnNextRequest() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let before = try await pool.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int32.self)
            // Another connection kills ours, as a server restart would.
            try await TestDatabase.withPool(maxConnections: 1) { other in
                try await other.query("SELECT pg_terminate_backend(\(before))")
            }
            try await Task.sleep(for: .milliseconds(100))
            let after = try await pool.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int32.self)
            #expect(after != before)
        }
    }
}

@Suite("Postgres: waiting for a connection honours task cancellation")
struct PoolCancellationTests {
    @Test func cancelledWaiterStopsWaitingAtOnce() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let clock = ContinuousClock()
            try await pool.withConnection { _ in
                // The only connection is lent: a second caller waits (up to 30 s by default).
                let waiter = Task { try await pool.withConnection { _ in "served" } }
                try await Task.sleep(for: .milliseconds(100))
                #expect(await pool.usage().waiting == 1)
                let cancelledAt = clock.now
                waiter.cancel()
                let result = await waiter.result
                #expect(cancelledAt.duration(to: clock.now) < .seconds(5))
                #expect(throws: CancellationError.self) { try result.get() }
                #expect(await pool.usage().waiting == 0)
            }
            // The pool still lends its connection afterwards.
            let one = try await pool.query("SELECT 1 AS one").first?.decode("one", as: Int.self)
            #expect(one == 1)
        }
    }
}
