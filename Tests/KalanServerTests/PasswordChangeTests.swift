import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanPasswords
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Issue 21: a new password ends what the old one opened, and the current password asked for
/// it is checked, and counted, as a login's is.
@Suite("Password change and reset: other sessions and tokens end; the current password is checked and counted like a login")
struct PasswordChangeTests {
    let admin = Actor.commandLine(user: "test")

    @Test func aChangeEndsTheOtherSessionsAndTokensButThisOneAndAResetEndsThemAll() async throws {
        try await TestDatabase.withPool { pool in
            let accounts = Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4))
            try await accounts.addUser(username: "awa", displayName: "Awa", email: nil, role: .hr, partnerCode: nil, password: "long-enough-1", actor: admin)
            let here = try await accounts.login(username: "awa", password: "long-enough-1", address: "10.0.0.1")
            let phone = try await accounts.login(username: "awa", password: "long-enough-1", address: "10.0.0.2")
            let (_, token) = try await accounts.createToken(username: "awa", name: "script", expiresInDays: nil, actor: admin)
            #expect(try await accounts.authenticate(session: phone.secret) != nil)
            #expect(try await accounts.authenticate(token: token) != nil)

            try await accounts.changeOwnPassword(
                username: "awa", current: "long-enough-1", new: "brand-new-pass", confirmation: "brand-new-pass", keepingSession: here.secret, address: "10.0.0.1")
            #expect(try await accounts.authenticate(session: here.secret)?.user.username == "awa", "the session that changed it stays")
            #expect(try await accounts.authenticate(session: phone.secret) == nil)
            #expect(try await accounts.authenticate(token: token) == nil)
            let audit = try await pool.query("SELECT after::text AS after FROM audit_event WHERE action = 'user.change-password'").firstRow().decode("after", as: String.self)
            #expect(audit.contains("\"web_sessions_ended\": \"1\"") && audit.contains("\"tokens_revoked\": \"1\""), "\(audit)")

            let (_, second) = try await accounts.createToken(username: "awa", name: "script 2", expiresInDays: nil, actor: admin)
            try await accounts.resetPassword(username: "awa", password: "reset-by-admin", actor: admin)
            #expect(try await accounts.authenticate(session: here.secret) == nil)
            #expect(try await accounts.authenticate(token: second) == nil)
        }
    }

    @Test func theCurrentPasswordFollowsTheLoginsRulesAndIsCountedWithThem() async throws {
        try await TestDatabase.withPool { pool in
            let accounts = Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4))
            let at72 = String(repeating: "é", count: 36)
            try await accounts.addUser(username: "awa", displayName: "Awa", email: nil, role: .hr, partnerCode: nil, password: at72, actor: admin)
            func change(_ current: String) async throws {
                try await accounts.changeOwnPassword(
                    username: "awa", current: current, new: "brand-new-pass", confirmation: "brand-new-pass", keepingSession: nil, address: "10.9.9.9")
            }
            let wrong = KalanError.invalid(field: "current_password", problem: .wrongPassword)
            // The right 72 bytes and more: wrong, as at the login.
            await #expect(throws: wrong) { try await change(at72 + "garbage") }
            for guess in 2...5 { await #expect(throws: wrong) { try await change("guess-\(guess)-xxxx") } }
            // A stolen session guesses no faster than the login form: the sixth is refused unchecked.
            await #expect {
                try await change(at72)
            } throws: { error in
                if case KalanError.tooManyAttempts = error { return true }
                return false
            }
            // and those guesses count against logins from the same address too.
            await #expect {
                _ = try await accounts.login(username: "awa", password: at72, address: "10.9.9.9")
            } throws: { error in
                if case KalanError.tooManyAttempts = error { return true }
                return false
            }
            // From elsewhere, the right password changes it; the success is not a failure.
            try await accounts.changeOwnPassword(
                username: "awa", current: at72, new: "brand-new-pass", confirmation: "brand-new-pass", keepingSession: nil, address: "10.0.0.7")
            #expect(try await accounts.authenticate(username: "awa", password: "brand-new-pass") != nil)
        }
    }

    /// The page says what happens before and after: the other sessions and tokens end, this one stays.
    @Test func thePageSaysTheOtherSessionsEnd() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let other = try await Pages.signIn(client, "trainer")
                let form = try await Pages.get(client, "/account/password?lang=en", trainer)
                #expect(form.body.contains("ends your other sessions"))
                let token = try Pages.csrf(form.body)
                let sent = try await Pages.post(
                    client, "/account/password?lang=en", trainer, "csrf=\(token)&current_password=long-enough-1&new_password=brand-new-pass&confirm=brand-new-pass")
                #expect(sent.status == 303)
                let done = try await Pages.get(client, sent.location ?? "/account/password?lang=en&done=password_changed", trainer)
                #expect(done.status == 200)
                #expect(done.body.contains("this session stays signed in"), "\(done.body.prefix(2000))")
                #expect(try await Pages.get(client, "/sessions", other).status == 303, "the other browser is signed out")
            }
        }
    }
}
