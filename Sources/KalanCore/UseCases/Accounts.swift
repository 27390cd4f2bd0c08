import Crypto
import Foundation
import Synchronization

/// Users, passwords and API tokens.
public struct Accounts: Sendable {
    let repository: any KalanRepository
    let hasher: any PasswordHasher
    let clock: WallClock
    /// A hash to check passwords against when there is no account to check them against, so that
    /// an unknown or disabled username takes as long to refuse as a wrong password.
    let decoy = Decoy()

    final class Decoy: Sendable {
        let hash = Mutex<String?>(nil)
    }

    public init(repository: any KalanRepository, hasher: any PasswordHasher, clock: WallClock = .system) {
        self.repository = repository
        self.hasher = hasher
        self.clock = clock
    }

    static let minimumPasswordLength = 10

    @discardableResult
    public func addUser(
        username: String, displayName: String, email: String?, role: Role, partnerCode: String?, password: String, actor: Actor
    ) async throws -> User {
        guard actor.isAdmin else { throw KalanError.forbidden }
        let name = username.normalisedText.lowercased()
        guard TextPattern.isUsername(name) else {
            throw KalanError.invalid(field: "username", problem: .format(.username))
        }
        try Self.check(password: password)
        if role == .trainer, partnerCode?.nonEmptyNormalisedText == nil { throw KalanError.invalid(field: "partner", problem: .required) }
        let display = try Validate.required(displayName, field: "display_name", max: 100)
        let mail = try Validate.text(email, field: "email", max: 200, required: false)?.lowercased()
        if let mail, !TextPattern.isEmail(mail) {
            throw KalanError.invalid(field: "email", problem: .format(.email))
        }
        let hash = try await hasher.hash(password)
        return try await repository.transaction { work in
            if try await work.user(username: name) != nil { throw KalanError.duplicate(.user, key: name) }
            var partnerID: UUID?
            if role == .trainer, let code = partnerCode {
                guard let partner = try await work.partner(code: code.normalisedText.uppercased()) else {
                    throw KalanError.invalid(field: "partner", problem: .unknownReference(code))
                }
                partnerID = partner.id
            }
            let user = User(username: name, displayName: display, email: mail, role: role, partnerID: partnerID)
            try await work.insert(user, passwordHash: hash)
            try await work.audit(AuditEntry(actor: actor, action: "user.create", entity: .user, entityID: name, after: user))
            return user
        }
    }

    /// A password that can be set: at least 10 characters, at most 72 UTF-8 bytes (all that
    /// bcrypt reads: a longer one would sign in with its first 72 bytes), no control character
    /// (a NUL would end it early).
    static func check(password: String) throws {
        guard !password.hasControlCharacters else { throw KalanError.invalid(field: "password", problem: .controlCharacters) }
        guard password.count >= minimumPasswordLength else {
            throw KalanError.invalid(field: "password", problem: .range(min: minimumPasswordLength, max: FieldLimits.passwordBytes))
        }
        guard password.utf8.count <= FieldLimits.passwordBytes else {
            throw KalanError.invalid(field: "password", problem: .tooManyBytes(max: FieldLimits.passwordBytes))
        }
    }

    public func users(actor: Actor) async throws -> [User] {
        guard actor.isAdmin else { throw KalanError.forbidden }
        return try await repository.transaction { try await $0.users() }
    }

    /// An administrator changes a user's name, e-mail and role (a trainer's partner with it), audited
    /// with what changed. Not one's own role: an administrator cannot lock themselves out.
    @discardableResult
    public func updateUser(username: String, displayName: String, email: String?, role: Role, partnerCode: String?, actor: Actor) async throws -> User {
        guard actor.isAdmin else { throw KalanError.forbidden }
        if role == .trainer, partnerCode?.nonEmptyNormalisedText == nil { throw KalanError.invalid(field: "partner", problem: .required) }
        let display = try Validate.required(displayName, field: "display_name", max: 100)
        let mail = try Validate.text(email, field: "email", max: 200, required: false)?.lowercased()
        if let mail, !TextPattern.isEmail(mail) {
            throw KalanError.invalid(field: "email", problem: .format(.email))
        }
        return try await repository.transaction { work in
            guard let before = try await work.user(username: username.lowercased()) else { throw KalanError.notFound(.user, key: username) }
            if before.id == actor.userID, role != before.role { throw KalanError.forbidden }
            var partnerID: UUID?
            if role == .trainer, let code = partnerCode {
                guard let partner = try await work.partner(code: code.normalisedText.uppercased()) else {
                    throw KalanError.invalid(field: "partner", problem: .unknownReference(code))
                }
                partnerID = partner.id
            }
            var user = before
            (user.displayName, user.email, user.role, user.partnerID) = (display, mail, role, partnerID)
            guard user != before else { return user }
            try await work.update(user: user)
            try await work.audit(AuditEntry(actor: actor, action: "user.update", entity: .user, entityID: user.username, before: before, after: user))
            return user
        }
    }

    public func setActive(username: String, active: Bool, actor: Actor) async throws {
        guard actor.isAdmin else { throw KalanError.forbidden }
        try await repository.transaction { work in
            guard let user = try await work.user(username: username.lowercased()) else { throw KalanError.notFound(.user, key: username) }
            try await work.setActive(userID: user.id, active: active)
            try await work.audit(AuditEntry(actor: actor, action: active ? "user.enable" : "user.disable", entity: .user, entityID: user.username))
        }
    }

    /// A new password set by an administrator: every web session of the person and every API
    /// token of theirs end with the old one (whoever knew it is signed out).
    public func resetPassword(username: String, password: String, actor: Actor) async throws {
        guard actor.isAdmin else { throw KalanError.forbidden }
        try Self.check(password: password)
        let hash = try await hasher.hash(password)
        let now = clock.now()
        try await repository.transaction { work in
            guard let user = try await work.user(username: username.lowercased()) else { throw KalanError.notFound(.user, key: username) }
            try await work.setPassword(userID: user.id, hash: hash)
            let ended = try await work.endSessions(userID: user.id, keeping: nil, at: now)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "user.reset-password", entity: .user, entityID: user.username,
                    after: ["web_sessions_ended": String(ended.webSessions), "tokens_revoked": String(ended.tokens)]))
        }
    }

    /// The user when the password matches and the account is active; nil otherwise (same answer
    /// for an unknown user, a wrong password and a disabled account).
    public func authenticate(username: String, password: String) async throws -> User? {
        let name = username.normalisedText.lowercased()
        let found = try await repository.transaction { work -> (User, String)? in
            guard let user = try await work.user(username: name), user.active, let hash = try await work.passwordHash(userID: user.id) else { return nil }
            return (user, hash)
        }
        guard let (user, hash) = found else {
            let decoyHash: String
            if let known = decoy.hash.withLock({ $0 }) {
                decoyHash = known
            } else {
                decoyHash = try await hasher.hash("kalan-decoy-\(UUID().uuidString)")
                decoy.hash.withLock { $0 = decoyHash }
            }
            _ = try await hasher.verify(password, hash: decoyHash)
            return nil
        }
        guard try await hasher.verify(password, hash: hash) else { return nil }
        return user
    }

    /// How failed logins are limited. At most `perAccountAndAddress` failures for one username
    /// from one address, and `perAddress` from one address, within `window` seconds; beyond,
    /// logins from there are refused (429) unchecked. Failures of one account from every address
    /// never refuse a login (that would let anyone lock its owner out): past `slowdownAfter` of
    /// them, each login of the account waits before its password is checked, 0.25 s doubling with
    /// each further failure, `maxDelay` at most.
    public struct LoginLimits: Sendable {
        public var perAccountAndAddress = 5
        public var perAddress = 20
        public var window = 15 * 60
        public var slowdownAfter = 5
        public var maxDelay = Duration.seconds(4)
        /// How long a web session (cookie) lasts.
        public var sessionLifetime = 12 * 3600
        public init() {}

        /// The wait before checking a password, after so many failures of the account within the
        /// window: none up to `slowdownAfter`, then 0.25 s, 0.5 s, 1 s, 2 s, then `maxDelay`.
        public func delay(afterAccountFailures failures: Int) -> Duration {
            guard failures >= slowdownAfter else { return .zero }
            let doublings = min(failures - slowdownAfter, 16)
            return min(maxDelay, .milliseconds(250 * (1 << doublings)))
        }
    }

    /// A web session for the browser: the secret goes in the cookie, only its SHA-256 is stored,
    /// with a second secret that the session's forms echo. Wrong credentials and rate limiting
    /// are errors (401, 429); a control character in either field is a 422 naming it.
    ///
    /// Each attempt is counted in PostgreSQL before its password is checked (and forgotten when it
    /// succeeds), so that no number of concurrent attempts, on any number of servers, gets more
    /// passwords checked than the limits. A password longer than bcrypt reads (72 UTF-8 bytes)
    /// cannot have been set: it is a wrong password.
    public func login(
        username: String, password: String, address: String, limits: LoginLimits = .init(), now: Date? = nil
    ) async throws -> (user: User, secret: String, expiresAt: Date) {
        let now = now ?? clock.now()
        guard !username.hasControlCharacters else { throw KalanError.invalid(field: "username", problem: .controlCharacters) }
        guard !password.hasControlCharacters else { throw KalanError.invalid(field: "password", problem: .controlCharacters) }
        guard let (user, attempt) = try await countedCheck(username: username, password: password, address: address, limits: limits, now: now) else {
            throw KalanError.unauthenticated
        }
        let secret = Self.newSecret()
        let expiresAt = now.addingTimeInterval(Double(limits.sessionLifetime))
        try await repository.transaction { work in
            try await work.forgetLoginAttempt(id: attempt)
            try await work.insertWebSession(hash: Self.digest(secret), userID: user.id, csrfToken: Self.newSecret(), expiresAt: expiresAt)
            try await work.audit(AuditEntry(actor: user.actor, action: "user.login", entity: .user, entityID: user.username))
        }
        return (user, secret, expiresAt)
    }

    /// A password checked as a login checks it: counted first per (account, address) and per
    /// address (refused past the limits, slowed after an account's failures), at most 72 UTF-8
    /// bytes (all bcrypt reads). The user and the attempt's id (to forget once it succeeded), or
    /// nil for a wrong password. The login and the change of one's own password share it.
    func countedCheck(username: String, password: String, address: String, limits: LoginLimits, now: Date) async throws -> (User, Int64)? {
        let name = String(username.normalisedText.lowercased().prefix(FieldLimits.username))
        let count = try await repository.transaction { work in
            try await work.countLoginAttempt(
                username: name, address: address, at: now, window: limits.window, perAccountAndAddress: limits.perAccountAndAddress,
                perAddress: limits.perAddress)
        }
        switch count {
        case .refused(let seconds): throw KalanError.tooManyAttempts(retryAfter: seconds)
        case .counted(let id, let accountFailures):
            let delay = limits.delay(afterAccountFailures: accountFailures)
            if delay > .zero { try await Task.sleep(for: delay) }
            guard password.utf8.count <= FieldLimits.passwordBytes, let user = try await authenticate(username: name, password: password) else { return nil }
            return (user, id)
        }
    }

    /// The user of a live web session and the token its forms must carry; nil for anything else.
    public func authenticate(session secret: String) async throws -> (user: User, csrfToken: String)? {
        guard secret.hasPrefix("kalan_"), secret.utf8.count < 100 else { return nil }
        return try await repository.statement { try await $0.webSession(hash: Self.digest(secret), now: clock.now()) }
    }

    /// Ends the web session whose secret is given; unknown secrets are ignored.
    public func logout(session secret: String) async throws {
        guard secret.hasPrefix("kalan_"), secret.utf8.count < 100 else { return }
        try await repository.transaction { work in
            guard let user = try await work.deleteWebSession(hash: Self.digest(secret)) else { return }
            try await work.audit(AuditEntry(actor: user.actor, action: "user.logout", entity: .user, entityID: user.username))
        }
    }

    static func newSecret() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        return "kalan_"
            + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A new token: the secret is returned once, only its SHA-256 is stored.
    public func createToken(username: String, name: String, expiresInDays: Int?, actor: Actor) async throws -> (APIToken, secret: String) {
        guard actor.isAdmin || actor.name == "user:\(username.lowercased())" else { throw KalanError.forbidden }
        let label = try Validate.required(name, field: "name", max: 100)
        if let days = expiresInDays { _ = try Validate.integer(days, field: "expires_in_days", in: 1...3650) }
        let secret = Self.newSecret()
        let now = clock.now()
        return try await repository.transaction { work in
            guard let user = try await work.user(username: username.lowercased()) else { throw KalanError.notFound(.user, key: username) }
            let token = APIToken(
                id: UUID(), userID: user.id, name: label, createdAt: now, expiresAt: expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) },
                revokedAt: nil, lastUsedAt: nil)
            try await work.insert(token: token, hash: Self.digest(secret))
            try await work.audit(AuditEntry(actor: actor, action: "token.create", entity: .token, entityID: token.id.uuidString, after: ["name": label, "user": user.username]))
            return (token, secret)
        }
    }

    public func tokens(username: String?, actor: Actor) async throws -> [APIToken] {
        guard actor.isAdmin else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            var userID: UUID?
            if let username {
                guard let user = try await work.user(username: username.lowercased()) else { throw KalanError.notFound(.user, key: username) }
                userID = user.id
            }
            return try await work.tokens(userID: userID)
        }
    }

    public func revokeToken(id: UUID, actor: Actor) async throws {
        guard actor.isAdmin else { throw KalanError.forbidden }
        try await repository.transaction { work in
            guard try await work.revoke(tokenID: id, at: clock.now()) else { throw KalanError.notFound(.token, key: id.uuidString) }
            try await work.audit(AuditEntry(actor: actor, action: "token.revoke", entity: .token, entityID: id.uuidString))
        }
    }

    public func authenticate(token secret: String) async throws -> User? {
        guard secret.hasPrefix("kalan_"), secret.utf8.count < 100 else { return nil }
        return try await repository.statement { try await $0.useToken(hash: Self.digest(secret), now: clock.now())?.1 }
    }

    static func digest(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Data(secret.utf8))) }
}

extension String {
    /// NUL, a line break, or another control character (Unicode category Cc).
    var hasControlCharacters: Bool { unicodeScalars.contains { $0.properties.generalCategory == .control } }
}
