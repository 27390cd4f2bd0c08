import Foundation
import KalanCore
import KalanPasswords
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Synchronization
import Testing

@Suite("Accounts: bcrypt passwords, hashed tokens shown once, disable and revoke")
struct AccountsTests {
    let admin = Actor.commandLine(user: "test")

    func accounts(_ pool: PostgresPool) -> Accounts {
        Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4))
    }

    @Test func passwordIsCheckedAndADisabledAccountCannotLogIn() async throws {
        try await TestDatabase.withPool { pool in
            let accounts = accounts(pool)
            try await accounts.addUser(username: "Awa.Traore", displayName: "Awa Traoré", email: nil, role: .hr, partnerCode: nil, password: "bamako-2026!", actor: admin)
            #expect(try await accounts.authenticate(username: "awa.traore", password: "bamako-2026!")?.role == .hr)
            #expect(try await accounts.authenticate(username: "awa.traore", password: "wrong-password") == nil)
            #expect(try await accounts.authenticate(username: "nobody", password: "bamako-2026!") == nil)
            let stored = try await pool.query("SELECT password_hash FROM app_user").first!.decode("password_hash", as: String.self)
            #expect(stored.hasPrefix("$2") && !stored.contains("bamako"))
            try await accounts.setActive(username: "awa.traore", active: false, actor: admin)
            #expect(try await accounts.authenticate(username: "awa.traore", password: "bamako-2026!") == nil)
        }
    }

    /// Counts the password checks of a real bcrypt hasher.
    final class CountingHasher: PasswordHasher, @unchecked Sendable {
        let inner = BcryptPasswordHasher(cost: 4)
        let checks = Mutex(0)
        func hash(_ password: String) async throws -> String { try await inner.hash(password) }
        func verify(_ password: String, hash: String) async throws -> Bool {
            checks.withLock { $0 += 1 }
            return try await inner.verify(password, hash: hash)
        }
    }

    @Test func unknownAndDisabledUsernamesCostOnePasswordCheckLikeAWrongPassword() async throws {
        try await TestDatabase.withPool { pool in
            let hasher = CountingHasher()
            let accounts = Accounts(repository: PostgresRepository(pool: pool), hasher: hasher)
            try await accounts.addUser(username: "awa", displayName: "Awa", email: nil, role: .hr, partnerCode: nil, password: "bamako-2026!", actor: admin)
            try await accounts.addUser(username: "gone", displayName: "Gone", email: nil, role: .hr, partnerCode: nil, password: "bamako-2026!", actor: admin)
            try await accounts.setActive(username: "gone", active: false, actor: admin)
            for name in ["awa", "nobody", "gone"] {
                let before = hasher.checks.withLock { $0 }
                #expect(try await accounts.authenticate(username: name, password: "wrong-password") == nil)
                #expect(hasher.checks.withLock { $0 } - before == 1, "\(name): one bcrypt check")
            }
        }
    }

    @Test func shortPasswordsAndTrainersWithoutPartnerAreRefused() async throws {
        try await TestDatabase.withPool { pool in
            let accounts = accounts(pool)
            await #expect(throws: KalanError.invalid(field: "password", problem: .range(min: 10, max: 72))) {
                try await accounts.addUser(username: "moussa", displayName: "Moussa", email: nil, role: .viewer, partnerCode: nil, password: "short", actor: admin)
            }
            await #expect(throws: KalanError.invalid(field: "partner", problem: .required)) {
                try await accounts.addUser(username: "trainer", displayName: "T", email: nil, role: .trainer, partnerCode: nil, password: "long-enough-1", actor: admin)
            }
            await #expect(throws: KalanError.forbidden) {
                try await accounts.addUser(username: "x", displayName: "X", email: nil, role: .admin, partnerCode: nil, password: "long-enough-1", actor: Actor(name: "user:hr", role: .hr))
            }
            let users = try await pool.query("SELECT count(*) AS n FROM app_user").first!.decode("n", as: Int.self)
            #expect(users == 0)
        }
    }

    @Test func tokenIsStoredHashedWorksUntilRevokedOrExpired() async throws {
        try await TestDatabase.withPool { pool in
            let accounts = accounts(pool)
            try await accounts.addUser(username: "api", displayName: "Intégration", email: nil, role: .viewer, partnerCode: nil, password: "long-enough-1", actor: admin)
            let (token, secret) = try await accounts.createToken(username: "api", name: "tableau de bord", expiresInDays: 30, actor: admin)
            #expect(secret.hasPrefix("kalan_"))
            let raw = try await pool.query("SELECT encode(token_hash, 'escape') AS h FROM api_token").first!.decode("h", as: String.self)
            #expect(!raw.contains(secret))
            #expect(try await accounts.authenticate(token: secret)?.username == "api")
            #expect(try await accounts.authenticate(token: secret + "x") == nil)
            try await accounts.revokeToken(id: token.id, actor: admin)
            #expect(try await accounts.authenticate(token: secret) == nil)
            try await pool.query("UPDATE api_token SET revoked_at = NULL, expires_at = now() - interval '1 day'")
            #expect(try await accounts.authenticate(token: secret) == nil)
        }
    }
}
