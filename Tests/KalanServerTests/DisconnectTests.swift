import Foundation
import Hummingbird
import HummingbirdTesting
import KalanTestSupport
import Postgres
import Testing

@Suite("A client that goes away frees its database connection")
struct DisconnectTests {
    /// The app's statements waiting on a lock, seen from `observer`.
    static func waiting(_ observer: PostgresPool) async throws -> Int {
        try await observer.query(
            """
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
            """
        ).firstRow().decode("n", as: Int.self)
    }

    /// A request stuck on a lock (as behind a long write) whose client disconnects: the server
    /// cancels its statement, and the pool's only connection serves the next request while the
    /// lock is still held.
    @Test func aClientThatDisconnectsMidRequestFreesItsConnectionAtOnce() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let f = try await APIFixture.make(pool)
            // One connection holds the lock, the other watches pg_stat_activity (whose view is
            // fixed for the length of a transaction).
            let holder = PostgresPool(configuration: .init(url: pool.configuration.url), maxConnections: 2)
            try await f.app().test(.live) { client in
                let port = try #require(client.port)
                // The same request once first: whatever the app does on its first use is done
                // before the lock is taken, so that the only statement left waiting is this request's.
                _ = try await client.execute(uri: "/api/v1/trainees/T-30", method: .get, headers: f.headers("hr")) { $0.status }
                try await holder.withTransaction { lock in
                    try await lock.query("LOCK TABLE trainee IN ACCESS EXCLUSIVE MODE")
                    let gone = try RawConnection(port: port)
                    await gone.send("GET /api/v1/trainees/T-30 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(f.tokens["hr"]!)\r\n\r\n")
                    for _ in 0..<200 where try await Self.waiting(holder) == 0 { try await Task.sleep(for: .milliseconds(50)) }
                    #expect(try await Self.waiting(holder) == 1, "the request waits for the lock")
                    let clock = ContinuousClock()
                    let leftAt = clock.now
                    gone.abort()
                    // The pool's only connection answers the next request, the lock still held.
                    let status = try await client.execute(uri: "/api/v1/me", method: .get, headers: f.headers("hr")) { $0.status }
                    let elapsed = leftAt.duration(to: clock.now)
                    print("client gone: the next request answered after \(elapsed)")
                    #expect(status == .ok)
                    #expect(elapsed < .seconds(5))
                    #expect(try await Self.waiting(holder) == 0, "no statement of the app waits any more")
                }
            }
            await holder.close()
        }
    }

    /// Cancelling on disconnect keeps connections alive between requests.
    @Test func aConnectionServesSeveralRequestsInTurn() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { (pool: PostgresPool) async throws in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.live) { client in
                let connection = try RawConnection(port: try #require(client.port))
                for _ in 0..<3 {
                    await connection.send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(f.tokens["hr"]!)\r\n\r\n")
                    let answer = await connection.receive(seconds: 10, untilClosed: false)
                    #expect(answer.text.hasPrefix("HTTP/1.1 200"), "\(answer.text.prefix(200))")
                    #expect(!answer.closed)
                }
            }
        }
    }
}
