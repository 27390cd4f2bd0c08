import Foundation
import Postgres

/// Stored answers to writes that carried an `Idempotency-Key`, so a replay gets the first
/// response and creates nothing twice.
public struct IdempotencyStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public enum Claim: Sendable, Equatable {
        /// First use: run the operation, then `save`.
        case claimed
        /// Seen before with the same request: replay this.
        case replay(status: Int, body: Data)
        /// Same key, different request, or the first is still running.
        case conflict
    }

    public func claim(key: String, principal: String, method: String, path: String, requestHash: Data) async throws -> Claim {
        let inserted = try await pool.query(
            """
            INSERT INTO idempotency_key (key, principal, method, path, request_hash) VALUES (\(key), \(principal), \(method), \(path), \(requestHash))
            ON CONFLICT (principal, key) DO NOTHING
            """)
        if inserted.affectedRows == 1 { return .claimed }
        guard let row = try await pool.query(
            "SELECT method, path, request_hash, status, body FROM idempotency_key WHERE principal = \(principal) AND key = \(key)").first
        else { return .conflict }
        guard try row.decode("method", as: String.self) == method, try row.decode("path", as: String.self) == path,
            try row.decode("request_hash", as: Data.self) == requestHash, let status = try row.decode("status", as: Int?.self)
        else { return .conflict }
        return .replay(status: status, body: try row.decode("body", as: Data?.self) ?? Data())
    }

    public func save(key: String, principal: String, status: Int, body: Data) async throws {
        try await pool.query("UPDATE idempotency_key SET status = \(status), body = \(body) WHERE principal = \(principal) AND key = \(key)")
    }

    /// Lets the key be used again after the operation failed.
    public func release(key: String, principal: String) async throws {
        try await pool.query("DELETE FROM idempotency_key WHERE principal = \(principal) AND key = \(key) AND status IS NULL")
    }
}
