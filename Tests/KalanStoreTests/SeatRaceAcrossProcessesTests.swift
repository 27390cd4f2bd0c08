import EmbeddedPostgres
import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Rule 1 across processes: two kalan processes race for 20 seats")
struct SeatRaceAcrossProcessesTests {
    @Test func twoProcessesEnrollingTwoHundredTwentyStaffFillExactlyTwentySeatsAndWaitlistTheRestInOrder() async throws {
        try #require(KalanProcess.isBuilt, "kalan must be built beside the tests (swift build --build-tests)")
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 2)
        let f = try await WorkflowFixture.make(pool)
        try await f.session("S-RACE", capacity: 20)
        let staff = try await f.staff(220)
        let halves = [Array(staff[..<110]), Array(staff[110...])]

        let results = try await withThrowingTaskGroup(of: (Int32, String).self) { group in
            for half in halves {
                group.addTask {
                    let result = try await KalanProcess.run(
                        ["enrol", "--database-url", url, "--session", "S-RACE", "--concurrency", "12", "--log-level", "error"] + half)
                    return (result.code, result.output)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (code, output) in results { #expect(code == 0, "kalan enrol failed: \(output.suffix(400))") }

        #expect(try await f.count("enrolment") == 220)
        #expect(try await f.count("enrolment WHERE status = 'enrolled'") == 20)
        let positions = try await pool.query(
            "SELECT waitlist_position AS p FROM enrolment WHERE status = 'waitlisted' ORDER BY requested_at"
        ).map { try $0.decode("p", as: Int.self) }
        #expect(positions == Array(1...200), "distinct waitlist positions 1…200 in arrival order")
        #expect(try await f.count("(SELECT DISTINCT trainee_id FROM enrolment) d") == 220)

        // A withdrawal from a third process promotes waitlist position 1 in the same transaction.
        let first = try #require(
            try await pool.query(
                "SELECT t.staff_number FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE e.waitlist_position = 1"
            ).first?.decode("staff_number", as: String.self))
        let seated = try #require(
            try await pool.query(
                "SELECT t.staff_number FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE e.status = 'enrolled' LIMIT 1"
            ).first?.decode("staff_number", as: String.self))
        let withdraw = try await KalanProcess.run(["withdraw", "--database-url", url, "--session", "S-RACE", seated, "--reason", "mission"])
        #expect(withdraw.code == 0, "\(withdraw.output)")
        #expect(try await f.count("enrolment WHERE status = 'enrolled'") == 20)
        let promoted = try await pool.query(
            "SELECT e.status FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = \(first)"
        ).first?.decode("status", as: String.self)
        #expect(promoted == "enrolled")
        let waitlist = try await pool.query("SELECT waitlist_position AS p FROM enrolment WHERE status = 'waitlisted' ORDER BY p").map { try $0.decode("p", as: Int.self) }
        #expect(waitlist == Array(1...199))
        await pool.close()
    }
}
