import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Issue 32: concurrent withdrawals and enrolments never deadlock in the statistics trigger. Before
/// (one stats_change row per staff member, upserted by every writer), a withdrawal from one session
/// that promoted B locked A's row then B's while a withdrawal of B from another session that
/// promoted A locked them in the other order: PostgreSQL reported a deadlock and one was retried.
@Suite("Statistics trigger: no deadlock under concurrent writes")
struct StatisticsLockTests {
    /// pg_stat_database.deadlocks of the test's database, once the backends' counters are flushed.
    static func deadlocks(_ pool: PostgresPool) async throws -> Int {
        var seen = 0
        for _ in 0..<10 {
            try await pool.query("SELECT pg_stat_clear_snapshot()")
            let n: Int = try await pool.query("SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()").first!.decode("n")
            seen = max(seen, n)
            try await Task.sleep(for: .milliseconds(150))
        }
        return seen
    }

    @Test func crossedWithdrawalsAndEnrolmentsOnTwoSessionsReportNoDeadlock() async throws {
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let setup = PostgresPool(configuration: .init(url: url), maxConnections: 2)
        let f = try await WorkflowFixture.make(setup)
        try await f.session("S-A", from: "2030-03-04", to: "2030-03-08", capacity: 20)
        try await f.session("S-B", from: "2030-04-01", to: "2030-04-05", capacity: 20)
        let staff = try await f.staff(40)
        let (first, second) = (Array(staff[0..<20]), Array(staff[20..<40]))
        // S-A seats the first twenty and waitlists the others in order; S-B the other way round.
        for number in first + second { _ = try await f.workflow.enrol(staffNumber: number, sessionCode: "S-A", actor: f.admin) }
        for number in second + first { _ = try await f.workflow.enrol(staffNumber: number, sessionCode: "S-B", actor: f.admin) }
        let newcomers = try await f.staff(20, from: 100)
        let before = try await Self.deadlocks(setup)
        await setup.close()

        // Pair i: first[i] leaves S-A (second[i] is promoted there) while second[i] leaves S-B
        // (first[i] is promoted there): the same two people, locked in opposite orders; newcomers
        // enrol meanwhile.
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 8, acquireTimeout: .seconds(180))
        let workflow = EnrolmentWorkflow(repository: PostgresRepository(pool: pool), clock: .fixed(Day("2030-01-01")!))
        let admin = f.admin
        for i in 0..<20 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await workflow.withdraw(staffNumber: first[i], sessionCode: "S-A", reason: nil, actor: admin) }
                group.addTask { _ = try await workflow.withdraw(staffNumber: second[i], sessionCode: "S-B", reason: nil, actor: admin) }
                group.addTask { _ = try await workflow.enrol(staffNumber: newcomers[i], sessionCode: i % 2 == 0 ? "S-A" : "S-B", actor: admin) }
                try await group.waitForAll()
            }
        }
        await pool.close()
        let check = PostgresPool(configuration: .init(url: url), maxConnections: 1)
        let after = try await Self.deadlocks(check)
        let seated: Int = try await check.query("SELECT count(*)::int AS n FROM enrolment WHERE status = 'enrolled'").first!.decode("n")
        await check.close()
        #expect(after == before, "PostgreSQL reported \(after - before) deadlock(s)")
        #expect(seated == 40, "both sessions full again after the promotions: \(seated) seats")
    }
}
