import Foundation
import KalanCore
import KalanTestSupport
import Postgres
import Testing

@testable import KalanStore

/// Issue 29: `kalan stats` starts from the image of the cohort index saved by the previous run and
/// reads only the staff members changed since; an image of another database, of another layout,
/// damaged, or older than the change log's horizon is never used.
@Suite("Cohort index saved for the command line: same figures, from the image")
struct CohortSavedTests {
    static let leadership = Actor(name: "user:direction", role: .viewer)

    func expectSameAsTheTables(_ indexed: PostgresRepository, _ plain: PostgresRepository, _ what: String) async throws {
        for q in [CohortQuery(), CohortQuery(by: [.department, .sex]), CohortQuery(by: [.course, .category])] {
            let a = try await CohortStatistics(repository: indexed).cohorts(q, actor: Self.leadership)
            let b = try await CohortStatistics(repository: plain).cohorts(q, actor: Self.leadership)
            #expect(a.groups.map(\.group) == b.groups.map(\.group), "\(what): \(q)")
            #expect(a.groups.map(\.enrolments) == b.groups.map(\.enrolments), "\(what): \(q)")
            #expect(a.groups.map(\.women) == b.groups.map(\.women), "\(what): \(q)")
            #expect(a.groups.map(\.statuses) == b.groups.map(\.statuses), "\(what): \(q)")
            #expect(a.total.enrolments == b.total.enrolments && a.total.trainees == b.total.trainees, "\(what): \(q)")
        }
    }

    @Test func theImageRoundTripsByteForByte() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await SyntheticSeed(trainees: 300, enrolmentsPerTrainee: 3).run(pool)
            let index = CohortIndex(startsFromSaved: true)
            _ = try await CohortStatistics(repository: PostgresRepository(pool: pool, cohortIndex: index)).cohorts(CohortQuery(), actor: Self.leadership)
            let facts = try #require(await index.toSave())
            let bytes = facts.saved()
            let read = try #require(CohortFacts(saved: bytes))
            #expect(read.saved() == bytes)
            #expect(read.traineeCount == facts.traineeCount && read.current.factCount == facts.current.factCount)
            // A cut, a flipped layout byte or trailing bytes read as no image.
            #expect(CohortFacts(saved: Array(bytes.dropLast(3))) == nil)
            var other = bytes
            other[3] = UInt8(ascii: "9")
            #expect(CohortFacts(saved: other) == nil)
            #expect(CohortFacts(saved: bytes + [0]) == nil)
        }
    }

    @Test func theNextRunStartsFromTheImageAndReadsOnlyWhatChanged() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await SyntheticSeed(trainees: 400, enrolmentsPerTrainee: 3).run(pool)
            let plain = PostgresRepository(pool: pool)
            // The first run: no image, a whole load, then the image saved.
            let first = CohortIndex(startsFromSaved: true)
            let firstRun = PostgresRepository(pool: pool, cohortIndex: first)
            try await expectSameAsTheTables(firstRun, plain, "first run")
            try await firstRun.saveCohortIndexIfUseful()
            #expect(await first.wholeLoads == 1)
            let parts = try await pool.query("SELECT count(*)::int AS n FROM cohort_saved").firstRow().decode("n", as: Int.self)
            #expect(parts >= 1)

            // Changes after the image: another sex, another department, a deleted attendance mark.
            try await pool.query("UPDATE trainee SET sex = CASE sex WHEN 'F' THEN 'M' ELSE 'F' END WHERE id IN (SELECT id FROM trainee ORDER BY staff_number LIMIT 7)")
            try await pool.query(
                "UPDATE trainee SET department_id = (SELECT id FROM department ORDER BY code DESC LIMIT 1) WHERE id IN (SELECT id FROM trainee ORDER BY staff_number DESC LIMIT 5)")
            try await pool.query("DELETE FROM attendance WHERE ctid IN (SELECT ctid FROM attendance LIMIT 4)")

            // The second run: the image, then the changes; no whole load; nothing to save for so few.
            let second = CohortIndex(startsFromSaved: true)
            let secondRun = PostgresRepository(pool: pool, cohortIndex: second)
            try await expectSameAsTheTables(secondRun, plain, "from the image")
            #expect(await second.wholeLoads == 0)
            #expect(await second.savedLoads == 1)
            #expect(await second.toSave() == nil, "12 staff members changed: the image is kept")

            // An image of another database (a restore, another server): loaded whole, saved anew.
            try await pool.query("UPDATE cohort_saved SET database = 'another/1/2'")
            let third = CohortIndex(startsFromSaved: true)
            let thirdRun = PostgresRepository(pool: pool, cohortIndex: third)
            try await expectSameAsTheTables(thirdRun, plain, "image of another database")
            #expect(await third.wholeLoads == 1)
            #expect(await third.savedLoads == 0)
            try await thirdRun.saveCohortIndexIfUseful()

            // A damaged image: loaded whole too.
            try await pool.query("UPDATE cohort_saved SET data = '\\x00' WHERE part = 0")
            let fourth = CohortIndex(startsFromSaved: true)
            try await expectSameAsTheTables(PostgresRepository(pool: pool, cohortIndex: fourth), plain, "damaged image")
            #expect(await fourth.wholeLoads == 1)
            #expect(await fourth.savedLoads == 0)

            // The server's index never reads nor saves an image.
            let server = CohortIndex()
            let serverRepository = PostgresRepository(pool: pool, cohortIndex: server)
            try await expectSameAsTheTables(serverRepository, plain, "server")
            try await serverRepository.saveCohortIndexIfUseful()
            #expect(await server.wholeLoads == 1)
            #expect(await server.savedLoads == 0)
            #expect(try await pool.query("SELECT count(*)::int AS n FROM cohort_saved WHERE part = 0 AND length(data) = 1").firstRow().decode("n", as: Int.self) == 1)
        }
    }
}
