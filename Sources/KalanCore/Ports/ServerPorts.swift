import Foundation

// What the HTTP server needs from storage besides the repository: each has a PostgreSQL
// implementation in KalanStore, chosen by the composition root.

/// Stored answers to writes that carried an `Idempotency-Key`, so a replay gets the first
/// response and creates nothing twice.
public protocol IdempotencyStore: Sendable {
    /// Runs `operation` once for the key: the key's claim, what the operation stores and its
    /// answer (status below 500) are kept in one transaction, so that they are kept together or
    /// not at all, and the answer a retry gets always matches what was stored. An answer of 500
    /// or more keeps nothing: the key is free again. The same key with the same request while
    /// the first runs waits for it, then gets its answer.
    func perform<Value: Sendable>(
        key: String, principal: String, method: String, path: String, requestHash: Data,
        _ operation: @Sendable () async throws -> IdempotentAnswer<Value>
    ) async throws -> IdempotencyOutcome<Value>
}

/// What an operation answered: the status, headers and body kept for replays, and its own value.
public struct IdempotentAnswer<Value: Sendable>: Sendable {
    public var status: Int
    /// The answer's headers a replay gives again (ETag, Location, Content-Type…), by name.
    public var headers: [String: String]
    public var body: Data
    public var value: Value
    public init(status: Int, headers: [String: String] = [:], body: Data, value: Value) {
        (self.status, self.headers, self.body, self.value) = (status, headers, body, value)
    }
}

public enum IdempotencyOutcome<Value: Sendable>: Sendable {
    /// First use: the operation ran (and its answer was kept with what it stored).
    case performed(Value)
    /// Seen before with the same request: replay this (headers: none for answers stored before
    /// they were kept).
    case replay(status: Int, body: Data, headers: [String: String])
    /// Same key, different request (or the first still running past the statement or lock timeout).
    case conflict
}

/// Whether the server can serve requests that need the database (`/readyz`).
public enum Readiness: Sendable, Equatable {
    case ready
    /// Reachable, but migrations are pending.
    case notMigrated
    /// Unreachable; the reason is for the logs.
    case unavailable(reason: String)
}

public protocol ReadinessProbe: Sendable {
    func readiness() async -> Readiness
}

/// Connections of a database pool, for `/metrics`.
public struct PoolUsage: Sendable, Equatable {
    public var open: Int
    public var inUse: Int
    public var waiting: Int
    public init(open: Int, inUse: Int, waiting: Int) {
        (self.open, self.inUse, self.waiting) = (open, inUse, waiting)
    }
}

public protocol PoolUsageProbe: Sendable {
    func usage() async -> PoolUsage
}
