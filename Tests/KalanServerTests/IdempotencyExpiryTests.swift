import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Idempotency keys: a claim that never answered lapses, answers expire")
struct IdempotencyExpiryTests {
    let hash = Data(repeating: 7, count: 32)

    @Test func aClaimWhoseRequestNeverAnsweredCanBeRetriedAfterItsLease() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let store = PostgresIdempotencyStore(pool: pool)
            #expect(try await store.claim(key: "k1", principal: "hr", method: "POST", path: "/api/v1/trainees", requestHash: hash) == .claimed)
            // The request is still running (or its server died): the same key waits.
            #expect(try await store.claim(key: "k1", principal: "hr", method: "POST", path: "/api/v1/trainees", requestHash: hash) == .conflict)
            // The database went away before the answer could be saved or the key released: 31 s later…
            try await pool.query("UPDATE idempotency_key SET created_at = now() - interval '31 seconds' WHERE key = 'k1'")
            #expect(try await store.claim(key: "k1", principal: "hr", method: "POST", path: "/api/v1/trainees", requestHash: hash) == .claimed)
        }
    }

    @Test func aFinishedAnswerIsReplayedForADayAndThenTheKeyIsFree() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let store = PostgresIdempotencyStore(pool: pool)
            #expect(try await store.claim(key: "k2", principal: "hr", method: "POST", path: "/p", requestHash: hash) == .claimed)
            try await store.save(key: "k2", principal: "hr", status: 201, body: Data("first".utf8))
            // An hour later, even long after the lease: the answer is replayed, not run again.
            try await pool.query("UPDATE idempotency_key SET created_at = now() - interval '1 hour' WHERE key = 'k2'")
            #expect(try await store.claim(key: "k2", principal: "hr", method: "POST", path: "/p", requestHash: hash) == .replay(status: 201, body: Data("first".utf8)))
            // Another principal's old key is removed when somebody claims a new one.
            #expect(try await store.claim(key: "old", principal: "admin", method: "POST", path: "/p", requestHash: hash) == .claimed)
            try await pool.query("UPDATE idempotency_key SET created_at = now() - interval '25 hours'")
            // After 25 hours the key k2 is free: a new request under it runs, and the old key of
            // the other principal is gone.
            #expect(try await store.claim(key: "k2", principal: "hr", method: "POST", path: "/other", requestHash: hash) == .claimed)
            let left = try await pool.query("SELECT key, path FROM idempotency_key").map { try $0.decode("key", as: String.self) + " " + $0.decode("path", as: String.self) }
            #expect(left == ["k2 /other"])
        }
    }
}
