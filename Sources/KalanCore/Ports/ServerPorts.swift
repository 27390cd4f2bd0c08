import Foundation

// What the HTTP server needs from storage besides the repository: each has a PostgreSQL
// implementation in KalanStore, chosen by the composition root.

/// Stored answers to writes that carried an `Idempotency-Key`, so a replay gets the first
/// response and creates nothing twice.
public protocol IdempotencyStore: Sendable {
    func claim(key: String, principal: String, method: String, path: String, requestHash: Data) async throws -> IdempotencyClaim
    func save(key: String, principal: String, status: Int, body: Data) async throws
    /// Lets the key be used again after the operation failed.
    func release(key: String, principal: String) async throws
}

public enum IdempotencyClaim: Sendable, Equatable {
    /// First use: run the operation, then `save`.
    case claimed
    /// Seen before with the same request: replay this.
    case replay(status: Int, body: Data)
    /// Same key, different request, or the first is still running.
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
