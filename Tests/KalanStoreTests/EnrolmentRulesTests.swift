import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Enrolment rules hold in PostgreSQL")
struct EnrolmentRulesTests {
    @Test func seatsNeverExceedCapacityUnderConcurrentApprovalsAndWaitlistIsNumberedInOrder() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-RACE", capacity: 20)
            let staff = try await f.staff(60)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in staff { group.addTask { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-RACE", actor: f.hr) } }
                try await group.waitForAll()
            }
            #expect(try await f.count("enrolment WHERE status = 'enrolled'") == 20)
            let positions = try await pool.query(
                "SELECT waitlist_position AS p FROM enrolment WHERE status = 'waitlisted' ORDER BY requested_at, waitlist_position"
            ).map { try $0.decode("p", as: Int.self) }
            #expect(positions == Array(1...40), "waitlist positions follow arrival order")
        }
    }

    @Test func withdrawingASeatHolderPromotesWaitlistPositionOneAndRenumbers() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-2", capacity: 2)
            let staff = try await f.staff(5)
            for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-2", actor: f.hr) }
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-2", reason: "mission à l'étranger", actor: f.hr)
            let (_, roster) = try await f.results.roster(sessionCode: "S-2", actor: f.hr)
            let status = Dictionary(uniqueKeysWithValues: roster.map { ($0.trainee.staffNumber, ($0.enrolment.status, $0.enrolment.waitlistPosition)) })
            #expect(status[staff[0]]?.0 == .withdrawn)
            #expect(status[staff[2]]?.0 == .enrolled)
            #expect(status[staff[3]]?.1 == 1)
            #expect(status[staff[4]]?.1 == 2)
            let history = try await f.workflow.history(staffNumber: staff[2], sessionCode: "S-2", actor: f.hr)
            #expect(history.map(\.to) == [.nominated, .approved, .waitlisted, .enrolled])
            #expect(history.last?.reason == "promotion")
        }
    }

    @Test func traineeCannotBeInTheSameSessionTwice() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            await #expect(throws: KalanError.rule(.alreadyInSession(staffNumber: staff[0], session: "S-1"))) {
                try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.admin)
            }
        }
    }

    @Test func overlappingSessionIsRefusedUnlessAnAdminOverridesWithARecordedReason() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-A", from: "2030-03-04", to: "2030-03-08")
            try await f.session("S-B", from: "2030-03-07", to: "2030-03-12")
            let staff = try await f.staff(1)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-A", actor: f.hr)
            await #expect(throws: KalanError.rule(.overlappingSession(session: "S-A"))) {
                try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-B", actor: f.hr)
            }
            await #expect(throws: KalanError.rule(.overrideNeedsAdmin)) {
                try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-B", actor: f.hr, override: "urgent")
            }
            let enrolment = try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-B", actor: f.admin, override: "demi-journées seulement")
            #expect(enrolment.status == .enrolled)
            let history = try await f.workflow.history(staffNumber: staff[0], sessionCode: "S-B", actor: f.admin)
            #expect(history.first?.reason == "demi-journées seulement")
        }
    }

    @Test func missingPrerequisiteIsRefusedAndNothingIsKept() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-5G", course: "5G-NET")
            let staff = try await f.staff(1)
            let audits = try await f.count("audit_event")
            await #expect(throws: KalanError.rule(.missingPrerequisites(courses: ["TEL-FOND"]))) {
                try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-5G", actor: f.hr)
            }
            #expect(try await f.count("enrolment") == 0)
            #expect(try await f.count("audit_event") == audits)
        }
    }

    @Test func inactiveTraineeCannotBeNominatedEvenByAnAdmin() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1, active: false)
            await #expect(throws: KalanError.rule(.inactiveTrainee(staffNumber: staff[0]))) {
                try await f.workflow.nominate(staffNumber: staff[0], sessionCode: "S-1", actor: f.admin)
            }
        }
    }

    @Test func enrolmentClosesAtTheDeadlineExceptForAdmins() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1", deadline: "2030-02-20")
            let staff = try await f.staff(2)
            let late = EnrolmentWorkflow(repository: f.repository, clock: .fixed(Day("2030-02-21")!))
            await #expect(throws: KalanError.rule(.enrolmentClosed(session: "S-1"))) {
                try await late.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            }
            #expect(try await late.enrol(staffNumber: staff[1], sessionCode: "S-1", actor: f.admin).status == .enrolled)
        }
    }

    @Test func viewersAndTrainersCannotEnrol() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1)
            for role in [Role.viewer, .trainer] {
                await #expect(throws: KalanError.forbidden) {
                    try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: Actor(name: "user:x", role: role))
                }
            }
        }
    }

    @Test func everyStepIsInTheHistoryAndTheAuditLog() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1)
            try await f.workflow.nominate(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            try await f.workflow.approve(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            try await f.workflow.withdraw(staffNumber: staff[0], sessionCode: "S-1", reason: "congé maladie", actor: f.hr)
            #expect(try await f.count("enrolment_event") == 4)
            let rows = try await pool.query("SELECT actor, action, before, after FROM audit_event WHERE entity = 'enrolment' ORDER BY id")
            #expect(rows.map { $0["action"] } == ["enrolment.nominate", "enrolment.approved", "enrolment.enrolled", "enrolment.withdrawn"])
            #expect(rows.allSatisfy { $0["actor"] == "user:awa.hr" })
            #expect(rows[3]["before"]?.contains("\"enrolled\"") == true)
        }
    }
}
