import Foundation

/// An account with one role; trainers belong to a partner institution.
public struct User: Sendable, Codable, Hashable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var email: String?
    public var role: Role
    public var partnerID: UUID?
    public var active: Bool

    public init(id: UUID = UUID(), username: String, displayName: String, email: String? = nil, role: Role, partnerID: UUID? = nil, active: Bool = true) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.role = role
        self.partnerID = partnerID
        self.active = active
    }

    public var actor: Actor { Actor(name: "user:\(username)", role: role, userID: id, partnerID: partnerID) }
}

/// An API token's public part; the secret is shown once and only its hash is kept.
public struct APIToken: Sendable, Codable, Hashable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(id: UUID, userID: UUID, name: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?, lastUsedAt: Date?) {
        (self.id, self.userID, self.name, self.createdAt) = (id, userID, name, createdAt)
        (self.expiresAt, self.revokedAt, self.lastUsedAt) = (expiresAt, revokedAt, lastUsedAt)
    }
}

/// Hashes and checks passwords (bcrypt in the server). Deliberately slow, so implementations
/// run the work off Swift's cooperative threads.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// Accounts and tokens in storage.
public protocol AccountStore: Sendable {
    func user(username: String) async throws -> User?
    func user(id: UUID) async throws -> User?
    func users() async throws -> [User]
    func insert(_ user: User, passwordHash: String) async throws
    func setPassword(userID: UUID, hash: String) async throws
    /// Ends the user's web sessions, but the one whose hash is `keeping`, and revokes their API
    /// tokens (after a password change or reset); how many of each.
    func endSessions(userID: UUID, keeping: [UInt8]?, at: Date) async throws -> (webSessions: Int, tokens: Int)
    func setActive(userID: UUID, active: Bool) async throws
    /// Changes a user's name, e-mail, role and partner (not the username, password or state).
    func update(user: User) async throws
    func passwordHash(userID: UUID) async throws -> String?
    func insert(token: APIToken, hash: [UInt8]) async throws
    func tokens(userID: UUID?) async throws -> [APIToken]
    /// The active, unexpired token with this hash and its user; marks it used.
    func useToken(hash: [UInt8], now: Date) async throws -> (APIToken, User)?
    func revoke(tokenID: UUID, at: Date) async throws -> Bool
    /// Stores a browser session by its secret's hash, with the token its forms must echo, and
    /// drops the user's expired sessions.
    func insertWebSession(hash: [UInt8], userID: UUID, csrfToken: String, expiresAt: Date) async throws
    /// The unexpired session with this hash, of an active user, and its form token.
    func webSession(hash: [UInt8], now: Date) async throws -> (user: User, csrfToken: String)?
    /// Ends a session; its user, if there was one.
    func deleteWebSession(hash: [UInt8]) async throws -> User?
    /// Counts a login attempt before its password is checked, atomically for its keys, across
    /// servers: the attempts of one (username, address) and of one address are counted one after
    /// the other, and this one is recorded (as a failure, until `forgetLoginAttempt`) only when
    /// fewer than `perAccountAndAddress` and `perAddress` are already recorded within `window`
    /// seconds before `at`. Forgets attempts older than a day.
    func countLoginAttempt(username: String, address: String, at: Date, window: Int, perAccountAndAddress: Int, perAddress: Int) async throws
        -> LoginAttemptCount
    /// Forgets an attempt whose password was right: a successful login is no failure.
    func forgetLoginAttempt(id: Int64) async throws
}

/// A login attempt as counted before its password is checked.
public enum LoginAttemptCount: Sendable, Equatable {
    /// Counted under the limits: the attempt's record, and how many failures the account had
    /// within the window from every address, this one not included.
    case counted(id: Int64, accountFailures: Int)
    /// A limit is reached: the password must not be checked; a failure holding the limit leaves
    /// the window in `retryAfter` seconds.
    case refused(retryAfter: Int)
}
