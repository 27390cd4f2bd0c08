import Crypto
import Foundation

/// A staff member's way in (issue 26): their staff number or e-mail, then a one-time code sent to
/// the e-mail and phone of the register through the notices' outbox. No password, no account, no
/// role: the session it opens is a `StaffMember`'s, which only the staff member's own use cases take.
public struct StaffSignIn: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
    }

    /// How codes and sessions are limited.
    public struct Limits: Sendable {
        /// How long a code is valid (seconds).
        public var codeLifetime = 10 * 60
        /// Wrong tries after which a code is dead.
        public var maxFailures = 5
        /// The window in which requests are counted (seconds).
        public var window = 15 * 60
        /// Codes asked for one identifier, and requests from one address, within the window.
        public var perIdentifier = 3
        public var perAddress = 20
        /// Tries of a code for one identifier, and from one address, within the window.
        public var triesPerIdentifier = 10
        public var triesPerAddress = 40
        /// How long a staff session lasts (seconds).
        public var sessionLifetime = 8 * 3600
        public init() {}
    }

    static let codeDigits = 6

    /// Sends a code when the identifier names an active person with an e-mail or a phone. The
    /// answer is the same whether it does or not (nothing is returned); refused past the limits
    /// (per identifier and per address), counted before anything is looked up.
    public func requestCode(identifier: String, address: String, language: Language, limits: Limits = .init()) async throws {
        let key = try Self.identifier(identifier)
        let now = clock.now()
        try await repository.transaction { work in
            let wait = try await work.countCodeRequest(
                identifier: key, address: address, at: now, window: limits.window, perIdentifier: limits.perIdentifier, perAddress: limits.perAddress)
            if wait > 0 { throw KalanError.tooManyAttempts(retryAfter: wait) }
        }
        let code = Self.newCode()
        try await repository.transaction { work in
            guard let trainee = try await work.traineeForSignIn(identifier: key), trainee.email != nil || trainee.phone != nil else { return }
            let member = StaffMember(trainee)
            _ = try await work.insertSignInCode(
                traineeID: trainee.id, hash: Self.digest(code, of: trainee.id), code: code, language: language, at: now,
                expiresAt: now.addingTimeInterval(Double(limits.codeLifetime)))
            try await work.audit(AuditEntry(actor: member.auditActor, action: "staff.code", entity: .trainee, entityID: trainee.staffNumber))
        }
    }

    /// A session for the person when the code is their live one; `unauthenticated` for a wrong,
    /// used or expired code and for an identifier that names nobody (the same answer).
    public func signIn(identifier: String, code: String, address: String, limits: Limits = .init()) async throws -> (
        member: StaffMember, secret: String, expiresAt: Date
    ) {
        let key = try Self.identifier(identifier)
        let digits = code.filter { !$0.isWhitespace }
        guard !digits.isEmpty else { throw KalanError.invalid(field: "code", problem: .required) }
        guard digits.count == Self.codeDigits, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw KalanError.invalid(field: "code", problem: .format(.signInCode))
        }
        let now = clock.now()
        try await repository.transaction { work in
            let wait = try await work.countCodeRequest(
                identifier: "try:" + key, address: "try:" + address, at: now, window: limits.window, perIdentifier: limits.triesPerIdentifier,
                perAddress: limits.triesPerAddress)
            if wait > 0 { throw KalanError.tooManyAttempts(retryAfter: wait) }
        }
        let secret = Accounts.newSecret()
        let expiresAt = now.addingTimeInterval(Double(limits.sessionLifetime))
        let member = try await repository.transaction { work -> StaffMember? in
            guard let trainee = try await work.traineeForSignIn(identifier: key) else { return nil }
            guard try await work.useSignInCode(traineeID: trainee.id, hash: Self.digest(digits, of: trainee.id), now: now, maxFailures: limits.maxFailures)
            else { return nil }
            let member = StaffMember(trainee)
            try await work.insertStaffSession(hash: Accounts.digest(secret), traineeID: trainee.id, csrfToken: Accounts.newSecret(), expiresAt: expiresAt, now: now)
            try await work.audit(AuditEntry(actor: member.auditActor, action: "staff.sign_in", entity: .trainee, entityID: trainee.staffNumber))
            return member
        }
        guard let member else { throw KalanError.unauthenticated }
        return (member, secret, expiresAt)
    }

    /// The person of a live staff session and the token its forms must carry; nil for anything else.
    public func authenticate(session secret: String) async throws -> (member: StaffMember, csrfToken: String)? {
        guard secret.hasPrefix("kalan_"), secret.utf8.count < 100 else { return nil }
        let now = clock.now()
        return try await repository.statement { work in
            try await work.staffSession(hash: Accounts.digest(secret), now: now).map { (StaffMember($0.trainee), $0.csrfToken) }
        }
    }

    public func signOut(session secret: String) async throws {
        guard secret.hasPrefix("kalan_"), secret.utf8.count < 100 else { return }
        try await repository.transaction { work in
            guard let trainee = try await work.deleteStaffSession(hash: Accounts.digest(secret)) else { return }
            try await work.audit(AuditEntry(actor: StaffMember(trainee).auditActor, action: "staff.sign_out", entity: .trainee, entityID: trainee.staffNumber))
        }
    }

    /// The identifier as looked up and counted: trimmed, lower-case, at most 200 characters.
    static func identifier(_ text: String) throws -> String {
        guard !text.hasControlCharacters else { throw KalanError.invalid(field: "identifier", problem: .controlCharacters) }
        let key = text.normalisedText.lowercased()
        guard !key.isEmpty else { throw KalanError.invalid(field: "identifier", problem: .required) }
        guard key.count <= 200 else { throw KalanError.invalid(field: "identifier", problem: .tooLong(max: 200)) }
        return key
    }

    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }

    /// The stored form of a code: SHA-256 of the person's id and the code (never the code itself).
    static func digest(_ code: String, of traineeID: UUID) -> [UInt8] {
        Array(SHA256.hash(data: Data("\(traineeID.uuidString.lowercased()):\(code)".utf8)))
    }
}
