import Foundation
import KalanCore

/// Every enrolment's figures in memory, for cohort reports in milliseconds at a million
/// enrolments, exact and fresh: before each report the index reads what changed since its last
/// look (sql/migrations/0008_statistics_index.sql), so a committed write shows in the next report.
/// One per server and pool; PostgreSQL remains the only record.
public actor CohortIndex {
    private var facts: CohortFacts?

    public init() {}

    /// The snapshot of the last look, nil before the first (which loads everything).
    var snapshot: String? { facts?.snapshot }

    /// Applies what was read from `base` as of `snapshot`; nil when another report moved the
    /// index meanwhile (the caller reads again from the new base).
    func apply(base: String?, snapshot: String, rows: [CohortFacts.Row]) -> CohortFacts? {
        guard facts?.snapshot == base else { return nil }
        var updated = facts ?? CohortFacts(snapshot: snapshot)
        facts = nil  // one owner while updating: no copy of the arrays
        for row in rows { updated.replace(row) }
        updated.snapshot = snapshot
        facts = updated
        return updated
    }
}
