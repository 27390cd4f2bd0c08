import Foundation
import KalanCore
import KalanTestSupport
import Postgres
import Testing

@testable import KalanStore

/// The cohort index follows the database under it: a server started cold loads once however many
/// reports wait, another database (restored, or the server pointed elsewhere) is loaded anew, a
/// staff member who no longer exists leaves the figures, and every table the figures read tells
/// the index when it changes.
@Suite("Cohort index: one load, the database it reads, and a trigger on every table it reads")
struct CohortIndexIdentityTests {
    static let leadership = Actor(name: "user:direction", role: .viewer)
    static let queries = [CohortQuery(), CohortQuery(by: [.department, .sex]), CohortQuery(by: [.course]), CohortQuery(by: [.year])]

    func expectSameAsTheTables(_ indexed: PostgresRepository, _ plain: PostgresRepository, _ what: String) async throws {
        for q in Self.queries {
            var a = try await CohortStatistics(repository: indexed).cohorts(q, actor: Self.leadership)
            var b = try await CohortStatistics(repository: plain).cohorts(q, actor: Self.leadership)
            // Means are compared elsewhere (CohortIndexTests); counts are what a stale index gets wrong.
            for i in a.groups.indices { (a.groups[i].meanPreScore, a.groups[i].meanPostScore, a.groups[i].meanGain) = (nil, nil, nil) }
            for i in b.groups.indices { (b.groups[i].meanPreScore, b.groups[i].meanPostScore, b.groups[i].meanGain) = (nil, nil, nil) }
            (a.total.meanPreScore, a.total.meanPostScore, a.total.meanGain) = (nil, nil, nil)
            (b.total.meanPreScore, b.total.meanPostScore, b.total.meanGain) = (nil, nil, nil)
            #expect(a == b, "\(what): \(q)")
        }
    }

    @Test func eightReportsAtAColdServerShareOneLoad() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            _ = try await SyntheticSeed(trainees: 300, enrolmentsPerTrainee: 3).run(pool)
            let index = CohortIndex()
            let indexed = PostgresRepository(pool: pool, cohortIndex: index)
            let totals = try await withThrowingTaskGroup(of: CohortFigures.self) { group in
                for _ in 0..<8 { group.addTask { try await CohortStatistics(repository: indexed).cohorts(CohortQuery(), actor: Self.leadership).total } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(totals.count == 8)
            #expect(Set(totals.map(\.enrolments)) == [900])
            #expect(await index.wholeLoads == 1)
        }
    }

    @Test func anotherDatabaseIsLoadedAnew() async throws {
        let index = CohortIndex()
        try await TestDatabase.withPool { first in
            _ = try await SyntheticSeed(trainees: 60, enrolmentsPerTrainee: 2).run(first)
            _ = try await CohortStatistics(repository: PostgresRepository(pool: first, cohortIndex: index)).cohorts(CohortQuery(), actor: Self.leadership)
        }
        try await TestDatabase.withPool { second in
            _ = try await SyntheticSeed(trainees: 400, enrolmentsPerTrainee: 4).run(second)
            try await expectSameAsTheTables(PostgresRepository(pool: second, cohortIndex: index), PostgresRepository(pool: second), "another database")
        }
        #expect(await index.wholeLoads == 2)
    }

    /// What a restore with `--clean` does: the tables made anew and filled without the triggers
    /// (pg_restore creates them after the data), so the change log says nothing of it.
    @Test func aDatabaseRestoredUnderTheSameNameIsLoadedAnew() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await SyntheticSeed(trainees: 300, enrolmentsPerTrainee: 3).run(pool)
            let index = CohortIndex()
            let indexed = PostgresRepository(pool: pool, cohortIndex: index)
            try await expectSameAsTheTables(indexed, PostgresRepository(pool: pool), "before")
            try await pool.withConnection { connection in
                try await connection.run("SET session_replication_role = replica")
                try await connection.run("DELETE FROM attendance WHERE enrolment_id IN (SELECT id FROM enrolment WHERE status = 'completed' ORDER BY id LIMIT 20)")
                try await connection.run("UPDATE enrolment SET status = 'withdrawn' WHERE id IN (SELECT id FROM enrolment ORDER BY id LIMIT 40)")
                try await connection.run("DROP TABLE stats_change")
                try await connection.run("CREATE TABLE stats_change (trainee_id uuid NOT NULL, changed xid8 NOT NULL DEFAULT pg_current_xact_id())")
                try await connection.run("SET session_replication_role = DEFAULT")
            }
            try await expectSameAsTheTables(indexed, PostgresRepository(pool: pool), "after the restore")
            #expect(await index.wholeLoads == 2)
        }
    }

    @Test func aStaffMemberWhoNoLongerExistsLeavesTheFigures() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await SyntheticSeed(trainees: 60, enrolmentsPerTrainee: 2).run(pool)
            let indexed = PostgresRepository(pool: pool, cohortIndex: CohortIndex())
            try await expectSameAsTheTables(indexed, PostgresRepository(pool: pool), "before")
            let gone = try await pool.query("SELECT trainee_id FROM enrolment ORDER BY trainee_id LIMIT 1").firstRow().decode("trainee_id", as: UUID.self)
            try await pool.withTransaction { connection in
                for table in ["attendance", "assessment", "certificate"] {
                    try await connection.query("DELETE FROM \(unescaped: table) WHERE enrolment_id IN (SELECT id FROM enrolment WHERE trainee_id = \(gone))")
                }
                try await connection.query("DELETE FROM enrolment WHERE trainee_id = \(gone)")
                try await connection.query("DELETE FROM trainee WHERE id = \(gone)")
            }
            try await expectSameAsTheTables(indexed, PostgresRepository(pool: pool), "after the deletion")
        }
    }

    /// The tables named in the index's queries, each with a trigger that writes the change log for
    /// the changes that alter the figures: a query that starts reading another table fails here
    /// until that table has its trigger.
    @Test func everyTableTheFiguresReadHasItsChangeTrigger() async throws {
        let text = PostgresUnitOfWork.everyone.sql + " " + PostgresUnitOfWork.changedSince("1:1:").sql
        let named = try Regex(#"(?:FROM|JOIN)\s+([a-z_]+)"#)
        var tables = Set(text.matches(of: named).compactMap { $0.output[1].substring.map(String.init) })
        tables.remove("stats_change")  // the log itself
        // Sessions: the index keeps only each one's ordinal, which never changes; the values a
        // report groups and filters sessions by are read at each report (CohortLoad.selection).
        tables.remove("training_session")
        #expect(tables == ["enrolment", "attendance", "assessment", "certificate", "trainee"], "\(tables)")
        // Staff members: no figures before an enrolment, none left after its deletion; a change of
        // the attributes the figures group by is what the index must hear.
        let events: [String: Set<String>] = ["trainee": ["UPDATE"]]
        try await TestDatabase.withPool { pool in
            for table in tables.sorted() {
                let rows = try await pool.query(
                    """
                    SELECT DISTINCT e.event FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                    CROSS JOIN LATERAL (VALUES (4, 'INSERT'), (8, 'DELETE'), (16, 'UPDATE')) e(bit, event)
                    WHERE t.tgrelid = \(table)::regclass AND p.proname LIKE 'kalan_stats_note%' AND (t.tgtype & e.bit) <> 0 AND t.tgenabled <> 'D'
                    """)
                let found = Set(try rows.map { try $0.decode("event", as: String.self) })
                #expect(found.isSuperset(of: events[table] ?? ["INSERT", "UPDATE", "DELETE"]), "\(table) has change triggers for \(found.sorted())")
            }
        }
    }
}

/// A report has a bound on its groups: past it, the answer says what to do rather than grow.
@Suite("Cohort reports: a bound on the number of groups")
struct CohortGroupBoundTests {
    @Test func aReportWithMoreGroupsThanTheBoundIsRefusedNamingBy() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await SyntheticSeed(trainees: 300, enrolmentsPerTrainee: 3).run(pool)
            let repository = PostgresRepository(pool: pool, cohortIndex: CohortIndex())
            let bounded = CohortStatistics(repository: repository, maxGroups: 10)
            let sessions = try await CohortStatistics(repository: repository).cohorts(CohortQuery(by: [.session]), actor: CohortIndexIdentityTests.leadership)
            #expect(sessions.groups.count == 15)
            await #expect(throws: KalanError.invalid(field: "by", problem: .tooManyGroups(max: 10))) {
                try await bounded.cohorts(CohortQuery(by: [.session]), actor: CohortIndexIdentityTests.leadership)
            }
            let message = KalanError.FieldProblem.tooManyGroups(max: 10).message(in: .fr)
            #expect(message.contains("10 groupes"), "\(message)")
            #expect(try await bounded.cohorts(CohortQuery(by: [.year]), actor: CohortIndexIdentityTests.leadership).groups.count <= 10)
        }
    }
}
