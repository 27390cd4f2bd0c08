import Foundation
import KalanCore
import Postgres

/// Every enrolment's figures in memory, for cohort reports in milliseconds at a million
/// enrolments, exact and fresh: before each report the index reads what changed since its last
/// look (sql/migrations/0008_statistics_index.sql), so a committed write shows in the next report.
/// One per server and pool; PostgreSQL remains the only record.
public actor CohortIndex {
    private var facts: CohortFacts?
    /// A whole load is under way: the reports that arrive meanwhile wait for it (one load however
    /// many reports a server just started receives) instead of each loading everything.
    private var loading = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Whole loads done, for the tests and the logs.
    private(set) var wholeLoads = 0
    /// Reports of the same question asked together, answered by one tally (`CohortBatches`).
    nonisolated let batches = CohortBatches()
    /// Starts from the image saved in PostgreSQL rather than from every enrolment, and says when a
    /// new image is worth saving (`kalan stats`, CohortSaved.swift). The server keeps its memory
    /// for the reports and does neither.
    nonisolated let startsFromSaved: Bool
    /// Loads from the saved image, for the tests.
    private(set) var savedLoads = 0
    /// Staff members read again since the image was saved or loaded; nil when the index holds no
    /// saved image (a whole load).
    private var changedSinceImage: Int?

    public init(startsFromSaved: Bool = false) {
        self.startsFromSaved = startsFromSaved
    }

    /// Where the last look stood: its snapshot and the identity of the database it read; nil
    /// before the first (which loads everything).
    var look: (snapshot: String, database: String)? { facts.map { ($0.snapshot, $0.database) } }

    /// True when the caller is to load everything; false when another report is loading already
    /// or has moved the index since the caller's look at `seen` (the caller waits with `loaded()`
    /// and looks again).
    func beginLoad(seen: String?) -> Bool {
        if loading || facts?.snapshot != seen { return false }
        loading = true
        return true
    }

    /// Returns when no whole load is under way.
    func loaded() async {
        guard loading else { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Ends the load begun with `beginLoad()`: installs what was read (nil when it failed) and
    /// lets the waiting reports look again.
    func endLoad(_ loaded: CohortFacts?, fromImage: Bool = false) {
        if let loaded {
            facts = loaded
            if fromImage { savedLoads += 1 } else { wholeLoads += 1 }
            changedSinceImage = fromImage ? 0 : nil
        }
        loading = false
        let woken = waiting
        waiting = []
        for continuation in woken { continuation.resume() }
    }

    /// Applies what was read from `base` as of `snapshot` and publishes the result; nil when
    /// another report moved the index meanwhile (the caller reads again from the new base). The
    /// snapshots that reports still tally keep their pages: only the pages changed are copied.
    func apply(base: String, snapshot: String, rows: [CohortFacts.Row]) -> CohortSnapshot? {
        guard !loading, var updated = facts, updated.snapshot == base else { return nil }
        facts = nil  // one owner while updating: the index's own arrays are not copied
        for row in rows { updated.replace(row) }
        changedSinceImage? += rows.count
        updated.snapshot = snapshot
        facts = updated
        return updated.current
    }

    /// The facts to save when the saved image is missing (a whole load) or behind by more than a
    /// thousand staff members; nil otherwise.
    func toSave() -> CohortFacts? {
        guard startsFromSaved, !loading, let facts else { return nil }
        if let changed = changedSinceImage, changed <= 1000 { return nil }
        return facts
    }

    /// The image of `snapshot` is saved.
    func saved(_ snapshot: String) {
        if facts?.snapshot == snapshot { changedSinceImage = 0 }
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
