import Foundation
import KalanCore
import KalanTestSupport
import Postgres
import Testing

@testable import KalanStore

/// Reports read immutable snapshots: a write publishes a new one that shares every page it did not
/// change, the snapshot a report took keeps its figures, and reports asked together while writes
/// commit each count every write committed before they were asked.
@Suite("Cohort index: snapshots under writes")
struct CohortSnapshotTests {
    static let leadership = Actor(name: "user:direction", role: .viewer)

    @Test func aWritePublishesANewSnapshotSharingTheUntouchedPages() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            // More staff than one page, so that a change touches one page of several.
            _ = try await SyntheticSeed(trainees: 2 * CohortPage.size + 100, enrolmentsPerTrainee: 2).run(pool)
            let index = CohortIndex()
            let repository = PostgresRepository(pool: pool, cohortIndex: index)
            let before = try await repository.indexTransaction { try await $0.refreshed(index) }
            #expect(before.pages.count == 3)
            let enrolments = try await pool.query("SELECT count(*)::int AS n FROM enrolment").firstRow().decode("n", as: Int.self)
            #expect(before.factCount == enrolments)
            let figures = CohortTally.report(CohortQuery(), facts: before, selection: try await repository.indexTransaction { try await $0.selection(CohortQuery()) })

            try await pool.query("UPDATE enrolment SET status = 'withdrawn' WHERE id = (SELECT id FROM enrolment WHERE status <> 'withdrawn' ORDER BY id LIMIT 1)")
            let after = try await repository.indexTransaction { try await $0.refreshed(index) }
            let shared = zip(before.pages, after.pages).filter { $0 === $1 }.count
            #expect(shared == before.pages.count - 1, "pages shared: \(shared) of \(before.pages.count)")

            // The snapshot taken before the write still gives the figures of before.
            let selection = try await repository.indexTransaction { try await $0.selection(CohortQuery()) }
            #expect(CohortTally.report(CohortQuery(), facts: before, selection: selection) == figures)
            let now = CohortTally.report(CohortQuery(), facts: after, selection: selection).total
            #expect(now.statuses["withdrawn"] == (figures.total.statuses["withdrawn"] ?? 0) + 1)
        }
    }

    /// Six clients read the same report over and over while writes commit: each answer counts at
    /// least every write committed before it was asked (0 stale), from one whole load.
    @Test func reportsAskedTogetherUnderWritesAreNeverStale() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            _ = try await SyntheticSeed(trainees: 400, enrolmentsPerTrainee: 3).run(pool)
            let index = CohortIndex()
            let statistics = CohortStatistics(repository: PostgresRepository(pool: pool, cohortIndex: index))
            let ids = try await pool.query("SELECT id FROM enrolment WHERE status <> 'withdrawn' ORDER BY id LIMIT 60").map { try $0.decode("id", as: UUID.self) }
            let baseline = try await pool.query("SELECT count(*)::int AS n FROM enrolment WHERE status = 'withdrawn'").firstRow().decode("n", as: Int.self)
            let committed = Committed()
            let stale = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    for id in ids {
                        try await pool.query("UPDATE enrolment SET status = 'withdrawn' WHERE id = \(id)")
                        await committed.add()
                    }
                    return 0
                }
                for _ in 0..<6 {
                    group.addTask {
                        var stale = 0
                        while await committed.count < ids.count {
                            let known = await committed.count
                            let report = try await statistics.cohorts(CohortQuery(by: [.course]), actor: Self.leadership)
                            if report.total.statuses["withdrawn", default: 0] < baseline + known { stale += 1 }
                        }
                        return stale
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(stale == 0)
            let final = try await statistics.cohorts(CohortQuery(by: [.course]), actor: Self.leadership)
            let withdrawn = try await pool.query("SELECT count(*)::int AS n FROM enrolment WHERE status = 'withdrawn'").firstRow().decode("n", as: Int.self)
            #expect(final.total.statuses["withdrawn"] == withdrawn)
            #expect(await index.wholeLoads == 1)
        }
    }
}

private actor Committed {
    private(set) var count = 0
    func add() { count += 1 }
}
