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
