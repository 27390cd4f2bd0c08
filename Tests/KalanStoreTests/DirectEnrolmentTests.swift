import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Issue 14: HR's one-step enrolment is written in one statement after two reads, and leaves the
/// same record as nominate → approve → enrol: one history line and one audit row per status.
@Suite("Direct enrolment: few statements, the same history and audit")
struct DirectEnrolmentTests {
    @Test func enrolRecordsEachStatusOnceWithBeforeAndAfter() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1", capacity: 1)
            let staff = try await f.staff(2)
            let seated = try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            let waiting = try await f.workflow.enrol(staffNumber: staff[1], sessionCode: "S-1", actor: f.hr)
            #expect(seated.status == .enrolled && seated.version == 3)
            #expect(waiting.status == .waitlisted && waiting.waitlistPosition == 1)
            let stored = try await pool.query("SELECT version, status FROM enrolment WHERE id = \(seated.id)").firstRow()
            #expect(try stored.decode("version", as: Int.self) == 3 && stored["status"] == "enrolled")
            #expect(try await f.workflow.history(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr).map(\.to) == [.nominated, .approved, .enrolled])
            #expect(try await f.workflow.history(staffNumber: staff[1], sessionCode: "S-1", actor: f.hr).map(\.to) == [.nominated, .approved, .waitlisted])
            let rows = try await pool.query(
                "SELECT action, before->>'status' AS b, after->>'status' AS a, after->>'version' AS v FROM audit_event WHERE entity_id = \(seated.id.uuidString) ORDER BY id")
            #expect(rows.map { $0["action"] } == ["enrolment.nominate", "enrolment.approved", "enrolment.enrolled"])
            #expect(rows.map { $0["b"] } == [nil, "nominated", "approved"])
            #expect(rows.map { $0["a"] } == ["nominated", "approved", "enrolled"])
            #expect(rows.map { $0["v"] } == ["1", "2", "3"])
            // The stored version is the one the next step checks: withdrawing promotes the waitlist.
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-1", reason: "mission", actor: f.hr)
            #expect(try await f.count("enrolment WHERE status = 'enrolled'") == 1)
        }
    }

    @Test func aWithdrawnTraineeCanBeEnrolledAgainAndRefusalsKeepNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-1", reason: nil, actor: f.hr)
            let again = try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            #expect(again.status == .enrolled)
            #expect(try await f.count("enrolment") == 1)
            let audits = try await f.count("audit_event")
            await #expect(throws: KalanError.notFound(.trainee, key: "MCE-9999")) {
                try await f.workflow.enrol(staffNumber: "MCE-9999", sessionCode: "S-1", actor: f.hr)
            }
            await #expect(throws: KalanError.notFound(.session, key: "S-NONE")) {
                try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-NONE", actor: f.hr)
            }
            #expect(try await f.count("audit_event") == audits)
        }
    }
}
