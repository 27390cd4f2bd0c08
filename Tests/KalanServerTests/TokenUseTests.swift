import Foundation
import KalanCore
import KalanPasswords
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Synchronization
import Testing

/// Issue 14: authenticating a token writes its last use at most once a minute, and a revoked
/// token or a disabled user is refused on the very next request all the same.
@Suite("Token use: no write per request, refusals at once")
struct TokenUseTests {
    let admin = Actor.commandLine(user: "test")

    /// A clock the test moves by hand.
    final class Hands: Sendable {
        let instant = Mutex(Date(timeIntervalSince1970: 1_811_808_000))
        var clock: WallClock { WallClock { self.instant.withLock { $0 } } }
        func advance(_ seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    func lastUsed(_ pool: PostgresPool, _ id: UUID) async throws -> Date? {
        try await pool.query("SELECT last_used_at FROM api_token WHERE id = \(id)").firstRow().decode("last_used_at")
    }

    /// The token row's version: the transaction that wrote it and its place (an update changes both).
    func rowVersion(_ pool: PostgresPool, _ id: UUID) async throws -> String {
        let row = try await pool.query("SELECT xmin::text AS x, ctid::text AS c FROM api_token WHERE id = \(id)").firstRow()
        return "\(row["x"] ?? "") \(row["c"] ?? "")"
    }

    @Test func lastUseIsWrittenAtMostOnceAMinute() async throws {
        try await TestDatabase.withPool { pool in
            let hands = Hands()
            let accounts = Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4), clock: hands.clock)
            try await accounts.addUser(username: "api", displayName: "Intégration", email: nil, role: .viewer, partnerCode: nil, password: "long-enough-1", actor: admin)
            let (token, secret) = try await accounts.createToken(username: "api", name: "tableau", expiresInDays: nil, actor: admin)
            let first = hands.instant.withLock { $0 }
            #expect(try await accounts.authenticate(token: secret)?.username == "api")
            #expect(try await lastUsed(pool, token.id) == first)
            // Thirty requests within the minute: the token row is not written again.
            let before = try await rowVersion(pool, token.id)
            for _ in 0..<30 {
                hands.advance(1)
                #expect(try await accounts.authenticate(token: secret)?.username == "api")
            }
            let after = try await rowVersion(pool, token.id)
            #expect(after == before, "authenticating within the minute wrote nothing")
            #expect(try await lastUsed(pool, token.id) == first)
            hands.advance(31)
            #expect(try await accounts.authenticate(token: secret) != nil)
            #expect(try await lastUsed(pool, token.id) == hands.instant.withLock { $0 })
        }
    }

    @Test func revokedTokenAndDisabledUserAreRefusedOnTheNextRequest() async throws {
        try await TestDatabase.withPool { pool in
            let hands = Hands()
            let accounts = Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4), clock: hands.clock)
            for name in ["api", "other"] {
                try await accounts.addUser(username: name, displayName: "Intégration", email: nil, role: .hr, partnerCode: nil, password: "long-enough-1", actor: admin)
            }
            let (token, secret) = try await accounts.createToken(username: "api", name: "a", expiresInDays: nil, actor: admin)
            let (_, otherSecret) = try await accounts.createToken(username: "other", name: "b", expiresInDays: 1, actor: admin)
            #expect(try await accounts.authenticate(token: secret)?.username == "api")
            #expect(try await accounts.authenticate(token: otherSecret)?.username == "other")
            // Within the minute in which the last use was just recorded.
            hands.advance(2)
            try await accounts.revokeToken(id: token.id, actor: admin)
            #expect(try await accounts.authenticate(token: secret) == nil)
            try await accounts.setActive(username: "other", active: false, actor: admin)
            #expect(try await accounts.authenticate(token: otherSecret) == nil)
            try await accounts.setActive(username: "other", active: true, actor: admin)
            #expect(try await accounts.authenticate(token: otherSecret)?.username == "other")
            // Expiry is checked on every request too.
            hands.advance(86_400)
            #expect(try await accounts.authenticate(token: otherSecret) == nil)
        }
    }
}
