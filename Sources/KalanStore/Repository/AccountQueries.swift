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

    func useToken(hash: [UInt8], now: Date) async throws -> (APIToken, User)? {
        guard
            let row = try await query(
                """
                UPDATE api_token SET last_used_at = \(now)
                WHERE token_hash = \(Data(hash)) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(now))
                RETURNING id, user_id, name, created_at, expires_at, revoked_at, last_used_at
                """
            ).first
        else { return nil }
        let token = try Self.token(row)
        guard let user = try await user(id: token.userID), user.active else { return nil }
        return (token, user)
    }

    func revoke(tokenID: UUID, at: Date) async throws -> Bool {
        try await query("UPDATE api_token SET revoked_at = \(at) WHERE id = \(tokenID) AND revoked_at IS NULL").affectedRows == 1
    }

    func insertWebSession(hash: [UInt8], userID: UUID, csrfToken: String, expiresAt: Date) async throws {
        try await query("DELETE FROM web_session WHERE user_id = \(userID) AND expires_at <= now()")
        try await query(
            "INSERT INTO web_session (token_hash, user_id, csrf_token, expires_at) VALUES (\(Data(hash)), \(userID), \(csrfToken), \(expiresAt))")
    }

    func webSession(hash: [UInt8], now: Date) async throws -> (user: User, csrfToken: String)? {
        guard let row = try await query("SELECT user_id, csrf_token FROM web_session WHERE token_hash = \(Data(hash)) AND expires_at > \(now)").first,
            let user = try await user(id: try row.decode("user_id")), user.active
        else { return nil }
        return (user, try row.decode("csrf_token"))
    }

    func deleteWebSession(hash: [UInt8]) async throws -> User? {
        guard let row = try await query("DELETE FROM web_session WHERE token_hash = \(Data(hash)) RETURNING user_id").first else { return nil }
        return try await user(id: try row.decode("user_id"))
    }

    func recordLoginFailure(username: String, address: String, at: Date) async throws {
        try await query("DELETE FROM login_failure WHERE at < \(at.addingTimeInterval(-86_400))")
        try await query("INSERT INTO login_failure (username, address, at) VALUES (\(username), \(address), \(at))")
    }

    func loginFailures(username: String, address: String, since: Date) async throws -> (account: Int, address: Int) {
        let row = try await query(
            """
            SELECT (SELECT count(*) FROM login_failure WHERE username = \(username) AND at > \(since)) AS account,
                   (SELECT count(*) FROM login_failure WHERE address = \(address) AND at > \(since)) AS address
            """
        ).firstRow()
        return (try row.decode("account"), try row.decode("address"))
    }

    static func user(_ row: PostgresRow) throws -> User {
        User(
            id: try row.decode("id"), username: try row.decode("username"), displayName: try row.decode("display_name"), email: try row.decode("email"),
            role: Role(rawValue: try row.decode("role")) ?? .viewer, partnerID: try row.decode("partner_id"), active: try row.decode("active"))
    }

    static func token(_ row: PostgresRow) throws -> APIToken {
        APIToken(
            id: try row.decode("id"), userID: try row.decode("user_id"), name: try row.decode("name"), createdAt: try row.decode("created_at"),
            expiresAt: try row.decode("expires_at"), revokedAt: try row.decode("revoked_at"), lastUsedAt: try row.decode("last_used_at"))
    }
}
