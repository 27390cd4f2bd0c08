import Foundation
import KalanCore
import Postgres

/// The idempotency keys in PostgreSQL.
public struct PostgresIdempotencyStore: IdempotencyStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// A finished answer is replayed this long; then the key is free again.
    public static let retention = "24 hours"
    /// A claim whose request never answered (server or database gone) lapses after this.
    public static let lease = "30 seconds"

    /// Takes the key, or takes it over when its answer expired or its first request never
    /// finished; old keys of everybody are removed on the way (an index on `created_at`).
    public func claim(key: String, principal: String, method: String, path: String, requestHash: Data) async throws -> IdempotencyClaim {
        try await mappingDriverErrors {
            let taken = try await pool.query(
                """
                WITH purge AS (
                    DELETE FROM idempotency_key WHERE created_at < now() - \(Self.retention)::interval AND NOT (principal = \(principal) AND key = \(key))
                )
                INSERT INTO idempotency_key (key, principal, method, path, request_hash) VALUES (\(key), \(principal), \(method), \(path), \(requestHash))
                ON CONFLICT (principal, key) DO UPDATE
                    SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
                        status = NULL, headers = NULL, body = NULL, created_at = now()
                    WHERE idempotency_key.created_at < now() - \(Self.retention)::interval
                       OR (idempotency_key.status IS NULL AND idempotency_key.created_at < now() - \(Self.lease)::interval)
                """)
            if taken.affectedRows == 1 { return .claimed }
            guard
                let row = try await pool.query(
                    "SELECT method, path, request_hash, status, body FROM idempotency_key WHERE principal = \(principal) AND key = \(key)"
                ).first
            else { return .conflict }
            guard try row.decode("method", as: String.self) == method, try row.decode("path", as: String.self) == path,
                try row.decode("request_hash", as: Data.self) == requestHash, let status = try row.decode("status", as: Int?.self)
            else { return .conflict }
            return .replay(status: status, body: try row.decode("body", as: Data?.self) ?? Data())
        }
    }

    public func save(key: String, principal: String, status: Int, body: Data) async throws {
        try await mappingDriverErrors {
            try await pool.query("UPDATE idempotency_key SET status = \(status), body = \(body) WHERE principal = \(principal) AND key = \(key)")
        }
    }

    public func release(key: String, principal: String) async throws {
        try await mappingDriverErrors {
            try await pool.query("DELETE FROM idempotency_key WHERE principal = \(principal) AND key = \(key) AND status IS NULL")
        }
    }
}
