import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    static let userColumns = "id, username, display_name, email, role, partner_id, active"

    func user(username: String) async throws -> User? {
        try await query("SELECT \(unescaped: Self.userColumns) FROM app_user WHERE username = \(username)").first.map(Self.user)
    }

    func user(id: UUID) async throws -> User? {
        try await query("SELECT \(unescaped: Self.userColumns) FROM app_user WHERE id = \(id)").first.map(Self.user)
    }

    func users() async throws -> [User] {
        try await query("SELECT \(unescaped: Self.userColumns) FROM app_user ORDER BY username").map(Self.user)
    }

    func insert(_ u: User, passwordHash: String) async throws {
        try await query(
            """
            INSERT INTO app_user (id, username, display_name, email, role, partner_id, password_hash, active)
            VALUES (\(u.id), \(u.username), \(u.displayName), \(u.email), \(u.role.rawValue), \(u.partnerID), \(passwordHash), \(u.active))
            """)
    }

    func setPassword(userID: UUID, hash: String) async throws {
        try await query("UPDATE app_user SET password_hash = \(hash), version = version + 1, updated_at = now() WHERE id = \(userID)")
    }

    func endSessions(userID: UUID, keeping: [UInt8]?, at: Date) async throws -> (webSessions: Int, tokens: Int) {
        var sessions: PostgresQuery = "DELETE FROM web_session WHERE user_id = \(userID)"
        if let keeping { sessions.append(" AND token_hash <> \(Data(keeping))") }
        let ended = try await query(sessions).affectedRows
        let revoked = try await query("UPDATE api_token SET revoked_at = \(at) WHERE user_id = \(userID) AND revoked_at IS NULL").affectedRows
        return (ended, revoked)
    }

    func update(user u: User) async throws {
        try await query(
            """
            UPDATE app_user SET display_name = \(u.displayName), email = \(u.email), role = \(u.role.rawValue), partner_id = \(u.partnerID),
                   version = version + 1, updated_at = now()
            WHERE id = \(u.id)
            """)
    }

    func setActive(userID: UUID, active: Bool) async throws {
        try await query("UPDATE app_user SET active = \(active), version = version + 1, updated_at = now() WHERE id = \(userID)")
        if !active { try await query("DELETE FROM web_session WHERE user_id = \(userID)") }
    }

    func passwordHash(userID: UUID) async throws -> String? {
        try await query("SELECT password_hash FROM app_user WHERE id = \(userID)").first?.decode("password_hash")
    }

    func insert(token t: APIToken, hash: [UInt8]) async throws {
        try await query(
            """
            INSERT INTO api_token (id, user_id, name, token_hash, created_at, expires_at)
            VALUES (\(t.id), \(t.userID), \(t.name), \(Data(hash)), \(t.createdAt), \(t.expiresAt))
            """)
    }

    func tokens(userID: UUID?) async throws -> [APIToken] {
        var sql: PostgresQuery = "SELECT id, user_id, name, created_at, expires_at, revoked_at, last_used_at FROM api_token WHERE true"
        if let userID { sql.append(" AND user_id = \(userID)") }
        sql.append(" ORDER BY created_at")
        return try await query(sql).map(Self.token)
    }

    /// The token and its user, in one read. The last use is written at most once a minute per
    /// token (`lastUseInterval`), so that authenticated reads neither write nor plan an UPDATE each
    /// time; the revoked, expired and disabled checks are made on every call all the same.
    func useToken(hash: [UInt8], now: Date) async throws -> (APIToken, User)? {
        guard
            let row = try await query(
                """
                SELECT k.id, k.user_id, k.name, k.created_at, k.expires_at, k.revoked_at, k.last_used_at,
                       u.username, u.display_name, u.email, u.role, u.partner_id, u.active
                FROM api_token k JOIN app_user u ON u.id = k.user_id
                WHERE k.token_hash = \(Data(hash)) AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > \(now)) AND u.active
                """
            ).first
        else { return nil }
        var token = try Self.token(row)
        let stale = now.addingTimeInterval(-Self.lastUseInterval)
        if token.lastUsedAt.map({ $0 < stale }) ?? true {
            try await query(
                """
                UPDATE api_token SET last_used_at = \(now)
                WHERE id = \(token.id) AND (last_used_at IS NULL OR last_used_at < \(stale)) AND revoked_at IS NULL
                """)
            token.lastUsedAt = now
        }
        let user = User(
            id: try row.decode("user_id"), username: try row.decode("username"), displayName: try row.decode("display_name"), email: try row.decode("email"),
            role: try row.decode("role", as: Role.self), partnerID: try row.decode("partner_id"), active: try row.decode("active"))
        return (token, user)
    }

    /// How stale `api_token.last_used_at` may be, in seconds.
    static let lastUseInterval: TimeInterval = 60

    func revoke(tokenID: UUID, at: Date) async throws -> Bool {
        try await query("UPDATE api_token SET revoked_at = \(at) WHERE id = \(tokenID) AND revoked_at IS NULL").affectedRows == 1
    }

    func insertWebSession(hash: [UInt8], userID: UUID, csrfToken: String, expiresAt: Date) async throws {
        try await query("DELETE FROM web_session WHERE user_id = \(userID) AND expires_at <= now()")
        try await query(
            "INSERT INTO web_session (token_hash, user_id, csrf_token, expires_at) VALUES (\(Data(hash)), \(userID), \(csrfToken), \(expiresAt))")
    }

    func webSession(hash: [UInt8], now: Date) async throws -> (user: User, csrfToken: String)? {
        guard
            let row = try await query(
                """
                SELECT \(unescaped: Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")), w.csrf_token
                FROM web_session w JOIN app_user u ON u.id = w.user_id
                WHERE w.token_hash = \(Data(hash)) AND w.expires_at > \(now) AND u.active
                """
            ).first
        else { return nil }
        return (try Self.user(row), try row.decode("csrf_token"))
    }

    func deleteWebSession(hash: [UInt8]) async throws -> User? {
        guard let row = try await query("DELETE FROM web_session WHERE token_hash = \(Data(hash)) RETURNING user_id").first else { return nil }
        return try await user(id: try row.decode("user_id"))
    }

    func countLoginAttempt(username: String, address: String, at: Date, window: Int, perAccountAndAddress: Int, perAddress: Int) async throws
        -> LoginAttemptCount
    {
        // A transaction-scoped lock per (username, address), then one per address, always in this
        // order and in two classes of key (so no two attempts wait for each other in a cycle):
        // concurrent attempts of one key are counted one after the other, on every server. In
        // READ COMMITTED the count below sees every attempt recorded before the locks were taken.
        try await query("SELECT pg_advisory_xact_lock(1, hashtext(\(username + "\n" + address)))")
        try await query("SELECT pg_advisory_xact_lock(2, hashtext(\(address)))")
        let since = at.addingTimeInterval(-Double(window))
        let row = try await query(
            """
            SELECT count(*) FILTER (WHERE username = \(username) AND address = \(address)) AS pair,
                   min(at) FILTER (WHERE username = \(username) AND address = \(address)) AS pair_oldest,
                   count(*) FILTER (WHERE address = \(address)) AS by_address,
                   min(at) FILTER (WHERE address = \(address)) AS address_oldest,
                   count(*) FILTER (WHERE username = \(username)) AS account
            FROM login_failure WHERE (username = \(username) OR address = \(address)) AND at > \(since)
            """
        ).firstRow()
        let pair: Int = try row.decode("pair")
        let byAddress: Int = try row.decode("by_address")
        if pair >= perAccountAndAddress || byAddress >= perAddress {
            var frees: [Date] = []
            if pair >= perAccountAndAddress, let oldest: Date = try row.decode("pair_oldest") { frees.append(oldest) }
            if byAddress >= perAddress, let oldest: Date = try row.decode("address_oldest") { frees.append(oldest) }
            let until = (frees.max() ?? at).addingTimeInterval(Double(window))
            return .refused(retryAfter: max(1, Int(until.timeIntervalSince(at).rounded(.up))))
        }
        try await query("DELETE FROM login_failure WHERE at < \(at.addingTimeInterval(-86_400))")
        let id: Int64 = try await query("INSERT INTO login_failure (username, address, at) VALUES (\(username), \(address), \(at)) RETURNING id").firstRow()
            .decode("id")
        return .counted(id: id, accountFailures: try row.decode("account"))
    }

    func forgetLoginAttempt(id: Int64) async throws {
        try await query("DELETE FROM login_failure WHERE id = \(id)")
    }

    static func user(_ row: PostgresRow) throws -> User {
        User(
            id: try row.decode("id"), username: try row.decode("username"), displayName: try row.decode("display_name"), email: try row.decode("email"),
            role: try row.decode("role", as: Role.self), partnerID: try row.decode("partner_id"), active: try row.decode("active"))
    }

    static func token(_ row: PostgresRow) throws -> APIToken {
        APIToken(
            id: try row.decode("id"), userID: try row.decode("user_id"), name: try row.decode("name"), createdAt: try row.decode("created_at"),
            expiresAt: try row.decode("expires_at"), revokedAt: try row.decode("revoked_at"), lastUsedAt: try row.decode("last_used_at"))
    }
}
