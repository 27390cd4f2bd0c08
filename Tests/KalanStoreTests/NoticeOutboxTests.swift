import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// The notices' outbox (sql/migrations/0016_notices.sql) on a real PostgreSQL: written with the
/// decision or not at all, claimed once whatever the number of senders, in order per recipient.
@Suite("Notices are written with their decision and claimed once")
struct NoticeOutboxTests {
    /// Staff with an e-mail each (the fixture's have none).
    func reachable(_ f: WorkflowFixture, _ count: Int, from start: Int = 1) async throws -> [String] {
        let staff = try await f.staff(count, from: start)
        for number in staff {
            try await f.pool.query("UPDATE trainee SET email = lower(\(number)) || '@mcenma.gouv.ml' WHERE staff_number = \(number)")
        }
        return staff
    }

    func kinds(_ pool: PostgresPool, _ number: String) async throws -> [String] {
        try await pool.query(
            """
            SELECT n.kind || '/' || n.recipient || '/' || n.channel AS k FROM notice n JOIN trainee t ON t.id = n.trainee_id
            WHERE t.staff_number = \(number) ORDER BY n.id
            """
        ).map { try $0.decode("k", as: String.self) }
    }

    @Test func aDecisionWritesItsNoticesAndARefusedOneWritesNone() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-N1", capacity: 1)
            let outbox = PostgresNoticeOutbox(pool: pool)
            try await outbox.setDepartmentContact(code: "DNT", DepartmentContact(name: "Awa Diarra", email: "awa@dnt.gouv.ml", phone: "+223 70 11 11 11"), actor: f.admin)
            let staff = try await reachable(f, 2)
            let silent = try await f.staff(1, from: 10)
            try await f.pool.query("UPDATE trainee SET phone = '+223 76 00 00 02' WHERE staff_number = \(staff[1])")
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-N1", actor: f.hr)
            // HR's one step (nominated, approved, enrolled) is one notice per recipient and channel.
            #expect(try await kinds(pool, staff[0]) == ["enrolled/trainee/email", "enrolled/head/email", "enrolled/head/sms"])
            try await f.workflow.enrol(staffNumber: staff[1], sessionCode: "S-N1", actor: f.hr)
            #expect(try await kinds(pool, staff[1]).prefix(2) == ["waitlisted/trainee/email", "waitlisted/trainee/sms"])
            try await f.workflow.enrol(staffNumber: silent[0], sessionCode: "S-N1", actor: f.hr)
            #expect(try await f.count("notice WHERE status = 'unreachable' AND channel = 'none'") == 1, "neither e-mail nor phone: listed to HR")
            let before = try await f.count("notice")
            await #expect(throws: KalanError.self) { try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-N1", actor: f.hr) }
            #expect(try await f.count("notice") == before, "a refused decision writes no notice")
            // A decision rolled back takes its notices with it.
            await #expect(throws: KalanError.self) {
                try await f.repository.transaction { work in
                    let session = try #require(try await work.session(code: "S-N1"))
                    let trainee = try #require(try await work.trainee(staffNumber: staff[0]))
                    let enrolment = try #require(try await work.enrolment(sessionID: session.id, traineeID: trainee.id))
                    try await work.append(EnrolmentEvent(from: .enrolled, to: .withdrawn, actor: "test", reason: "essai", at: Date()), to: enrolment.id)
                    throw KalanError.forbidden
                }
            }
            #expect(try await f.count("notice") == before)
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-N1", reason: "Mission à l'étranger", actor: f.hr)
            #expect(try await kinds(pool, staff[0]).suffix(3) == ["withdrawn/trainee/email", "withdrawn/head/email", "withdrawn/head/sms"])
            #expect(try await kinds(pool, staff[1]).contains("promoted/trainee/sms"), "the promotion in the same transaction has its notices")
            let reason = try await pool.query("SELECT facts->>'reason' AS r FROM notice WHERE kind = 'withdrawn' LIMIT 1").firstRow().decode("r", as: String.self)
            #expect(reason == "Mission à l'étranger")
            // Set to no notices: nothing for the person, the head's copy still.
            try await outbox.setPreferences(staffNumber: staff[1], NoticePreferences(language: .en, off: true), actor: f.admin)
            try await f.workflow.withdraw(staffNumber: staff[1], sessionCode: "S-N1", reason: nil, actor: f.hr)
            #expect(try await kinds(pool, staff[1]).suffix(2) == ["withdrawn/head/email", "withdrawn/head/sms"])
        }
    }

    @Test func concurrentSendersNeverClaimTheSameNotice() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-N2", capacity: 60)
            for number in try await reachable(f, 40) { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-N2", actor: f.hr) }
            let outbox = PostgresNoticeOutbox(pool: pool)
            let now = Date()
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let batch = try await outbox.claim(limit: 3, channels: [.email, .sms], now: now, lease: 300)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                var all: [[Int64]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let ids = claimed.flatMap { $0 }
            #expect(ids.count == 40 && Set(ids).count == 40, "40 notices, each claimed by exactly one of four senders")
            #expect(try await f.count("notice WHERE status = 'sending' AND attempts = 1") == 40)
        }
    }

    @Test func aRecipientsNoticesAreClaimedInOrderAndRetriedAfterTheirDelay() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-N3", capacity: 1)
            let staff = try await reachable(f, 2)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-N3", actor: f.hr)
            try await f.workflow.enrol(staffNumber: staff[1], sessionCode: "S-N3", actor: f.hr)
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-N3", reason: nil, actor: f.hr)
            let outbox = PostgresNoticeOutbox(pool: pool)
            let now = Date()
            // staff[1]: waitlisted, then promoted; only the first is due until it is sent.
            let first = try await outbox.claim(limit: 10, channels: [.email], now: now, lease: 300)
            #expect(first.map(\.kind) == [.enrolled, .waitlisted])
            let waitlisted = try #require(first.last)
            try await outbox.reschedule(id: waitlisted.id, error: "relay down", next: now.addingTimeInterval(60))
            let second = try await outbox.claim(limit: 10, channels: [.email], now: now, lease: 300)
            #expect(second.map(\.kind) == [], "the promotion waits for the waitlist notice (staff[0]'s withdrawal waits for its seat notice)")
            try await outbox.markSent(id: try #require(first.first).id, at: now)
            #expect(try await outbox.claim(limit: 10, channels: [.email], now: now, lease: 300).map(\.kind) == [.withdrawn])
            let later = try await outbox.claim(limit: 10, channels: [.email], now: now.addingTimeInterval(61), lease: 300)
            #expect(later.map(\.kind) == [.waitlisted] && later.first?.attempts == 2 && later.first?.firstAttemptAt != nil)
            // Nothing for a channel without a sender.
            #expect(try await outbox.claim(limit: 10, channels: [.sms], now: now.addingTimeInterval(600), lease: 300).isEmpty)
        }
    }

    @Test func remindersAndRostersAreWrittenOnceTwoDaysBefore() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-N4", capacity: 5)
            for number in try await reachable(f, 3) { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-N4", actor: f.hr) }
            let outbox = PostgresNoticeOutbox(pool: pool)
            #expect(try await outbox.scheduleReminders(today: try #require(Day("2030-03-01"))) == 0, "three days before: nothing yet")
            #expect(try await outbox.scheduleReminders(today: try #require(Day("2030-03-02"))) == 3)
            #expect(try await outbox.scheduleReminders(today: try #require(Day("2030-03-03"))) == 0, "once")
            #expect(try await f.count("notice WHERE kind = 'reminder' AND recipient = 'trainee'") == 3)
        }
    }
}
