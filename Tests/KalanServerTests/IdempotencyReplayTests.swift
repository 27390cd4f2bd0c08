import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Synchronization
import Testing

@Suite("Idempotency keys: a replay has the first answer's headers; a long first run is never run twice")
struct IdempotencyReplayTests {
    /// The ETag and Content-Type the operation set come back with the replay, which says it is one.
    @Test func aReplayGivesTheFirstAnswersHeadersAgain() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { (pool: PostgresPool) async throws in
            let f = try await APIFixture.make(pool)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-headers-1"]
            let body = #"{"staffNumber":"IDEM-H","givenName":"Oumar","familyName":"Maïga","sex":"M"}"#
            try await f.app().test(.router) { client in
                let first = try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true, extra: key), body: ByteBuffer(string: body)
                ) { $0 }
                let replay = try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true, extra: key), body: ByteBuffer(string: body)
                ) { $0 }
                #expect(first.status == .created && replay.status == .created)
                let eTag = try #require(first.headers[.eTag])
                #expect(replay.headers[.eTag] == eTag)
                #expect(replay.headers[.contentType] == first.headers[.contentType])
                #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                #expect(String(buffer: replay.body) == String(buffer: first.body))
                let stored = try await pool.query("SELECT headers::text AS headers FROM idempotency_key WHERE key = 'create-headers-1'").firstRow()
                let headers = try stored.decode("headers", as: String.self)
                // As the operation set them, before VerbatimHeadersMiddleware (which also sees the replay).
                #expect(headers.contains("\"etag\"") && headers.contains("\"content-type\""), "\(headers)")
            }
        }
    }

    final class Runs: Sendable {
        let count = Mutex(0)
    }

    /// The same request under the same key: counts its runs, lasts `pausing`.
    static func issue(_ store: PostgresIdempotencyStore, _ runs: Runs, pausing pause: Duration) async throws -> IdempotencyOutcome<String> {
        try await store.perform(
            key: "issue-S-1", principal: "hr", method: "POST", path: "/api/v1/sessions/S-1/certificates", requestHash: Data(repeating: 3, count: 32)
        ) {
            runs.count.withLock { $0 += 1 }
            try await Task.sleep(for: pause)
            return IdempotentAnswer(status: 200, headers: ["ETag": "\"v7\""], body: Data("issued".utf8), value: "ran")
        }
    }

    /// A first run that lasts (as issuing a large session's certificates can, past the 30 s that
    /// an old-style claim was leased for) and a retry that comes meanwhile: the claim is not
    /// committed apart from the answer, so there is no lease to lapse; the retry waits on the
    /// claim's row and is answered what the first stored, headers included. The operation runs once.
    @Test func aRetryDuringALongFirstRunWaitsAndIsAnsweredWithoutRunningItTwice() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { (pool: PostgresPool) async throws in
            let store = PostgresIdempotencyStore(pool: pool)
            let runs = Runs()
            let first = Task { try await Self.issue(store, runs, pausing: .seconds(3)) }
            // The retry comes once the first runs.
            for _ in 0..<200 where runs.count.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let second = Task { try await Self.issue(store, runs, pausing: .zero) }
            try await Task.sleep(for: .milliseconds(300))
            // While the first runs, no claim is committed on its own: nothing another request could take over.
            #expect(try await pool.query("SELECT count(*) AS n FROM idempotency_key").firstRow().decode("n", as: Int.self) == 0)
            guard case .performed("ran") = try await first.value else {
                Issue.record("the first run did not perform")
                return
            }
            guard case .replay(200, let body, let headers) = try await second.value else {
                Issue.record("the retry was not answered with the stored answer")
                return
            }
            #expect(String(decoding: body, as: UTF8.self) == "issued" && headers["ETag"] == "\"v7\"")
            #expect(runs.count.withLock { $0 } == 1)
        }
    }
}

@Suite("Idempotency keys: a retry past the lock timeout is a conflict, not a failure")
struct IdempotencyLockTimeoutTests {
    /// The server's connections give up on a lock after KALAN_LOCK_TIMEOUT: a retry that waited that
    /// long on the claim of a first run still going is answered 409, as past the statement timeout.
    @Test func aRetryWaitingPastTheLockTimeoutIsAConflict() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let limited = PostgresPool(configuration: .init(url: pool.configuration.url, lockTimeoutSeconds: 1), maxConnections: 3)
            let store = PostgresIdempotencyStore(pool: limited)
            let runs = IdempotencyReplayTests.Runs()
            let first = Task { try await IdempotencyReplayTests.issue(store, runs, pausing: .seconds(3)) }
            for _ in 0..<200 where runs.count.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let second = try await IdempotencyReplayTests.issue(store, runs, pausing: .zero)
            guard case .conflict = second else {
                Issue.record("expected a conflict, got \(second)")
                return
            }
            guard case .performed = try await first.value else {
                Issue.record("the first run did not perform")
                return
            }
            #expect(runs.count.withLock { $0 } == 1)
            await limited.close()
        }
    }
}
