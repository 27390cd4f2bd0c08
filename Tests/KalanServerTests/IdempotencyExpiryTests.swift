import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Synchronization
import Testing

@Suite("Idempotency keys: the claim, the write and the answer are one transaction; answers expire")
struct IdempotencyExpiryTests {
    let hash = Data(repeating: 7, count: 32)

    /// What `perform` gave, comparable.
    enum Seen: Equatable {
        case performed(String), replay(Int, String), conflict
    }

    static func seen(_ outcome: IdempotencyOutcome<String>) -> Seen {
        switch outcome {
        case .performed(let value): .performed(value)
        case .replay(let status, let body, _): .replay(status, String(decoding: body, as: UTF8.self))
        case .conflict: .conflict
        }
    }

    static func users(_ pool: PostgresPool, _ name: String) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM app_user WHERE username = \(name)").firstRow().decode("n", as: Int.self)
    }

    static func create(_ name: String, then outcome: Int?, pool: PostgresPool) async throws -> IdempotencyOutcome<String> {
        let repository = PostgresRepository(pool: pool)
        return try await PostgresIdempotencyStore(pool: pool).perform(
            key: "k-\(name)", principal: "hr", method: "POST", path: "/api/v1/users", requestHash: Data(repeating: 7, count: 32)
        ) {
            try await repository.transaction { try await $0.insert(User(username: name, displayName: name, email: nil, role: .viewer), passwordHash: "x") }
            guard let outcome else { throw KalanError.unavailable }
            return IdempotentAnswer(status: outcome, body: Data("created \(name)".utf8), value: "ran \(name)")
        }
    }

    /// A write that fails after storing something (PostgreSQL gone, an answer of 500 or more)
    /// keeps nothing, the key's claim included: the retry runs it again and is answered what it stored.
    @Test func whatAWriteStoresAndItsAnswerAreKeptTogetherOrNotAtAll() async throws {
        try await TestDatabase.withPool(maxConnections: 3) { (pool: PostgresPool) async throws in
            await #expect(throws: KalanError.unavailable) { _ = try await Self.create("awa", then: nil, pool: pool) }
            #expect(try await Self.users(pool, "awa") == 0, "the write went with the failure")
            #expect(try await pool.query("SELECT count(*) AS n FROM idempotency_key").firstRow().decode("n", as: Int.self) == 0)
            // The retry runs again (not a 409), stores, and its retry is answered what was stored.
            #expect(Self.seen(try await Self.create("awa", then: 201, pool: pool)) == .performed("ran awa"))
            #expect(Self.seen(try await Self.create("awa", then: 201, pool: pool)) == .replay(201, "created awa"))
            #expect(try await Self.users(pool, "awa") == 1)
            // An answer of 500 or more keeps nothing either.
            #expect(Self.seen(try await Self.create("moussa", then: 503, pool: pool)) == .performed("ran moussa"))
            #expect(try await Self.users(pool, "moussa") == 0)
        }
    }

    /// A refused write inside (a duplicate: a failed statement) does not spoil the transaction:
    /// the refusal is the answer kept and replayed.
    @Test func aRefusalInsideIsKeptAsTheAnswer() async throws {
        try await TestDatabase.withPool(maxConnections: 3) { (pool: PostgresPool) async throws in
            let store = PostgresIdempotencyStore(pool: pool)
            let repository = PostgresRepository(pool: pool)
            try await repository.transaction { try await $0.insert(User(username: "awa", displayName: "Awa", email: nil, role: .viewer), passwordHash: "x") }
            let first = try await store.perform(key: "dup", principal: "hr", method: "POST", path: "/api/v1/users", requestHash: hash) {
                do {
                    try await repository.transaction { try await $0.insert(User(username: "awa", displayName: "Awa", email: nil, role: .viewer), passwordHash: "x") }
                    return IdempotentAnswer(status: 201, body: Data(), value: "created")
                } catch KalanError.duplicate {
                    return IdempotentAnswer(status: 409, body: Data("duplicate".utf8), value: "refused")
                }
            }
            #expect(Self.seen(first) == .performed("refused"))
            let again = try await store.perform(key: "dup", principal: "hr", method: "POST", path: "/api/v1/users", requestHash: hash) {
                IdempotentAnswer(status: 201, body: Data(), value: "ran twice")
            }
            #expect(Self.seen(again) == .replay(409, "duplicate"))
        }
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    static func slow(_ store: PostgresIdempotencyStore, _ runs: Counter) async throws -> IdempotencyOutcome<String> {
        try await store.perform(key: "k", principal: "hr", method: "POST", path: "/p", requestHash: Data(repeating: 7, count: 32)) {
            runs.value.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(300))
            return IdempotentAnswer(status: 201, body: Data("first".utf8), value: "ran")
        }
    }

    /// The same key while the first request runs waits for it and gets its answer; another
    /// request under the key is a conflict.
    @Test func theSameKeyWaitsForTheFirstAndGetsItsAnswer() async throws {
        try await TestDatabase.withPool(maxConnections: 3) { (pool: PostgresPool) async throws in
            let store = PostgresIdempotencyStore(pool: pool)
            let runs = Counter()
            async let one = Self.slow(store, runs)
            async let two = Self.slow(store, runs)
            let outcomes = [Self.seen(try await one), Self.seen(try await two)]
            #expect(runs.value.load(ordering: .relaxed) == 1)
            #expect(outcomes.contains(.performed("ran")) && outcomes.contains(.replay(201, "first")))
            let other = try await store.perform(key: "k", principal: "hr", method: "POST", path: "/other", requestHash: hash) {
                IdempotentAnswer(status: 201, body: Data(), value: "other")
            }
            #expect(Self.seen(other) == .conflict)
        }
    }

    static func run(_ store: PostgresIdempotencyStore, _ key: String, _ principal: String, _ path: String, _ value: String) async throws -> Seen {
        seen(
            try await store.perform(key: key, principal: principal, method: "POST", path: path, requestHash: Data(repeating: 7, count: 32)) {
                IdempotentAnswer(status: 201, body: Data(value.utf8), value: value)
            })
    }

    @Test func aFinishedAnswerIsReplayedForADayAndThenTheKeyIsFree() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { (pool: PostgresPool) async throws in
            let store = PostgresIdempotencyStore(pool: pool)
            #expect(try await Self.run(store, "k2", "hr", "/p", "first") == .performed("first"))
            // An hour later: the answer is replayed, not run again.
            try await pool.query("UPDATE idempotency_key SET created_at = now() - interval '1 hour' WHERE key = 'k2'")
            #expect(try await Self.run(store, "k2", "hr", "/p", "second") == .replay(201, "first"))
            // Another principal's old key is removed when somebody claims a new one.
            #expect(try await Self.run(store, "old", "admin", "/p", "old") == .performed("old"))
            try await pool.query("UPDATE idempotency_key SET created_at = now() - interval '25 hours'")
            // After 25 hours the key k2 is free: a new request under it runs, and the old key of
            // the other principal is gone.
            #expect(try await Self.run(store, "k2", "hr", "/other", "third") == .performed("third"))
            let left = try await pool.query("SELECT key, path FROM idempotency_key").map { try $0.decode("key", as: String.self) + " " + $0.decode("path", as: String.self) }
            #expect(left == ["k2 /other"])
        }
    }

    /// A statement may not hold its connection past the statement timeout (a write blocked on a
    /// lock, one running away): PostgreSQL cancels it, and it is answered as "busy, try again".
    @Test func aStatementPastTheStatementTimeoutIsCancelledAndAnsweredUnavailable() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { (pool: PostgresPool) async throws in
            let limited = PostgresPool(configuration: .init(url: pool.configuration.url, statementTimeoutSeconds: 1), maxConnections: 1)
            #expect(try await limited.query("SHOW statement_timeout").firstRow().decode("statement_timeout", as: String.self) == "1s")
            var refusal: KalanError?
            do {
                try await limited.query("SELECT pg_sleep(5)")
            } catch let error as PostgresError {
                #expect(error.sqlState == "57014")
                refusal = KalanError(driver: error)
            }
            #expect(refusal == .unavailable)
            // The connection is free again for the next statement.
            #expect(try await limited.query("SELECT 1 AS one").firstRow().decode("one", as: Int.self) == 1)
            await limited.close()
        }
    }
}
