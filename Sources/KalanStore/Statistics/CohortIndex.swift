import Foundation
import KalanCore
import Postgres

/// Every enrolment's figures in memory, for cohort reports in milliseconds at a million
/// enrolments, exact and fresh: before each report the index reads what changed since its last
/// look (sql/migrations/0008_statistics_index.sql), so a committed write shows in the next report.
/// One per server and pool; PostgreSQL remains the only record.
public actor CohortIndex {
    private var facts: CohortFacts?

    public init() {}

    /// The snapshot of the last look, nil before the first (which loads everything).
    var snapshot: String? { facts?.snapshot }

    /// A whole load, read when the index was at `replacing` (nil: empty); nil when another report
    /// moved the index meanwhile.
    func install(_ loaded: CohortFacts, replacing: String?) -> CohortFacts? {
        guard facts?.snapshot == replacing else { return nil }
        facts = loaded
        return loaded
    }

    /// Applies what was read from `base` as of `snapshot`; nil when another report moved the
    /// index meanwhile (the caller reads again from the new base).
    func apply(base: String, snapshot: String, rows: [CohortFacts.Row]) -> CohortFacts? {
        guard var updated = facts, updated.snapshot == base else { return nil }
        facts = nil  // one owner while updating: no copy of the arrays
        for row in rows { updated.replace(row) }
        updated.snapshot = snapshot
        facts = updated
        return updated
    }
}

extension PostgresRepository {
    /// Reads the cohort index up to now (everything, the first time); nothing without an index.
    public func refreshCohortIndex() async throws {
        guard let cohortIndex else { return }
        _ = try await mappingDriverErrors {
            try await pool.withTransaction { try await PostgresUnitOfWork(connection: $0, cohortIndex: cohortIndex).refreshed(cohortIndex) }
        }
    }
}
