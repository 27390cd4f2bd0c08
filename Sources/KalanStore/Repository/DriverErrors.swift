import KalanCore
import Logging
import Postgres

/// Runs a storage operation and turns every driver failure into a `KalanError`, so that no
/// interface above the store needs to know the driver.
@discardableResult
func mappingDriverErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as PostgresError {
        throw KalanError(driver: error)
    }
}

extension KalanError {
    /// A constraint a user can break as the rule or field it guards; a lost connection (or a pool
    /// that found none in time, or a statement past the statement timeout) as `.unavailable`; a value PostgreSQL refuses as `.invalid`; the
    /// rest (bugs) as `.storageFailure` with the driver's description for the logs.
    public init(driver error: PostgresError) {
        if let domain = PostgresRepository.domainError(error) {
            self = domain
        } else if error.isConnectionLoss || error.reason == "the pool is closed" {
            self = .unavailable
        } else if error.sqlState == "57014" || error.sqlState == "55P03" {
            // The statement timeout (a write blocked on a lock) or a lock not available: busy, try again.
            self = .unavailable
        } else if error.kind == .client, error.reason?.contains("NUL") == true {
            self = .invalid(field: error.column ?? "text", problem: .format(.noNul))
        } else if error.sqlState?.hasPrefix("22") == true {
            // PostgreSQL's own wording stays in the logs: the person reads the catalogue's.
            self = .invalid(field: error.column ?? "value", problem: .notAccepted)
        } else {
            self = .storageFailure(error.description)
        }
    }
}

/// `/readyz` in PostgreSQL: reachable, and every migration applied.
public struct PostgresReadinessProbe: ReadinessProbe {
    let pool: PostgresPool
    let migrator: Migrator

    public init(pool: PostgresPool, migrator: Migrator) {
        self.pool = pool
        self.migrator = migrator
    }

    public func readiness() async -> Readiness {
        do {
            return try await migrator.isUpToDate(pool) ? .ready : .notMigrated
        } catch {
            return .unavailable(reason: "\(error)")
        }
    }
}

/// The pool's connections, for `/metrics`.
public struct PostgresPoolUsageProbe: PoolUsageProbe {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func usage() async -> PoolUsage {
        let usage = await pool.usage()
        return PoolUsage(open: usage.open, inUse: usage.inUse, waiting: usage.waiting)
    }
}
