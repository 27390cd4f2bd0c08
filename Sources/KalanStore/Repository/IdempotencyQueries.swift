import Foundation
import KalanCore
import Postgres

/// The idempotency keys in PostgreSQL.
public struct PostgresIdempotencyStore: IdempotencyStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// A finished answer is replayed this long; then the key is free again.
    public static let retention = "24 hours"
    /// A claim without an answer, left by a server of an earlier version, lapses after this
    /// (claims are now kept only with their answer, in the same transaction).
    public static let lease = "30 seconds"

    /// An answer of 500 or more: everything of the transaction is rolled back, the answer given.
    struct NotKept<Value: Sendable>: Error {
        let value: Value
    }

    public func perform<Value: Sendable>(
        key: String, principal: String, method: String, path: String, requestHash: Data,
        _ operation: @Sendable () async throws -> IdempotentAnswer<Value>
    ) async throws -> IdempotencyOutcome<Value> {
        do {
            return try await mappingDriverErrors {
                try await pool.withTransaction { connection -> IdempotencyOutcome<Value> in
                    // The claim: a request with the same key waits here, on the key's row, until this
                    // transaction ends; old keys of everybody are removed on the way (an index on `created_at`).
                    let taken: PostgresRows
                    do {
                        taken = try await connection.query(
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
                    } catch let error as PostgresError where error.sqlState == "57014" || error.sqlState == "55P03" {
                        // The first request with this key still runs past the statement or lock timeout.
                        return .conflict
                    }
                    if taken.affectedRows == 1 {
                        let answer = try await AmbientTransaction.$current.withValue(.init(pool: ObjectIdentifier(pool), connection: connection)) {
                            try await operation()
                        }
                        guard answer.status < 500 else { throw NotKept(value: answer.value) }
                        try await connection.query(
                            """
                            UPDATE idempotency_key SET status = \(answer.status), headers = \(JSONHeaders.encode(answer.headers))::jsonb, body = \(answer.body)
                            WHERE principal = \(principal) AND key = \(key)
                            """)
                        return .performed(answer.value)
                    }
                    guard
                        let row = try await connection.query(
                            "SELECT method, path, request_hash, status, headers::text AS headers, body FROM idempotency_key WHERE principal = \(principal) AND key = \(key)"
                        ).first
                    else { return .conflict }
                    guard try row.decode("method", as: String.self) == method, try row.decode("path", as: String.self) == path,
                        try row.decode("request_hash", as: Data.self) == requestHash, let status = try row.decode("status", as: Int?.self)
                    else { return .conflict }
                    return .replay(
                        status: status, body: try row.decode("body", as: Data?.self) ?? Data(),
                        headers: JSONHeaders.decode(try row.decode("headers", as: String?.self)))
                }
            }
        } catch let notKept as NotKept<Value> {
            return .performed(notKept.value)
        }
    }
}

/// A stored answer's headers as a JSON object (the `headers jsonb` column).
enum JSONHeaders {
    static func encode(_ headers: [String: String]) -> String {
        String(decoding: (try? JSONEncoder().encode(headers)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// None when the answer was stored without them.
    static func decode(_ text: String?) -> [String: String] {
        text.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
    }
}
