import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Results: attendance, scores and completion (rule 4)")
struct ResultsTests {
    /// A session Monday 4 – Friday 8 March 2030: five training days.
    func enrolled(_ f: WorkflowFixture, count: Int = 1) async throws -> [String] {
        try await f.session("S-1", from: "2030-03-04", to: "2030-03-08")
        let staff = try await f.staff(count)
        for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-1", actor: f.hr) }
        return staff
    }

    func attend(_ f: WorkflowFixture, _ number: String, present: Int, excused: Int = 0) async throws {
        let days = (4...8).map { Day(year: 2030, month: 3, day: $0)! }
        let marks = days.enumerated().map { index, day in
            ResultsRecording.AttendanceMark(staffNumber: number, day: day, status: index < present ? .present : index < present + excused ? .excused : .absent)
        }
        try await f.results.recordAttendance(sessionCode: "S-1", marks: marks, actor: f.hr)
    }

    @Test func passedWhenPostScoreReachesPassMarkAndAttendanceItsMinimum() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            try await attend(f, staff[0], present: 4)
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 60, actor: f.hr)
            let done = try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr)
            #expect(done.enrolment.status == .completed)
            #expect(done.attendanceRate == 80)
        }
    }

    @Test func failedWhenAttendanceIsBelowMinimumWhateverTheScore() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            try await attend(f, staff[0], present: 3)
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 95, actor: f.hr)
            #expect(try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr).enrolment.status == .failed)
        }
    }

    @Test func excusedDaysDoNotCountAgainstAttendance() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            try await attend(f, staff[0], present: 4, excused: 1)
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 70, actor: f.hr)
            let done = try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr)
            #expect(done.attendanceRate == 100)
        }
    }

    @Test func completionWithoutPostScoreNeedsAnOverrideWithAReason() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            await #expect(throws: KalanError.rule(.postScoreMissing)) {
                try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr)
            }
            await #expect(throws: KalanError.rule(.reasonRequired)) {
                try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr, override: (.completed, "  "))
            }
            let done = try await f.results.complete(sessionCode: "S-1", staffNumber: staff[0], actor: f.hr, override: (.completed, "évaluation orale réussie"))
            #expect(done.enrolment.status == .completed)
            let history = try await f.workflow.history(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            #expect(history.last?.reason == "override: évaluation orale réussie")
        }
    }

    @Test func scoresOutsideZeroToHundredAreRefused() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            for bad in [-1, 100.5, .nan, .infinity] {
                await #expect(throws: KalanError.invalid(field: "score", problem: .range(min: 0, max: 100))) {
                    try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: bad, actor: f.hr)
                }
            }
        }
    }

    @Test func attendanceForADayOutsideTheSessionKeepsNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            let marks = [
                ResultsRecording.AttendanceMark(staffNumber: staff[0], day: Day("2030-03-04")!, status: .present),
                ResultsRecording.AttendanceMark(staffNumber: staff[1], day: Day("2030-04-01")!, status: .present),
            ]
            await #expect(throws: KalanError.rule(.dayOutsideSession(day: Day("2030-04-01")!))) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: marks, actor: f.hr)
            }
            #expect(try await f.count("attendance") == 0)
        }
    }

    @Test func trainerNotAssignedToTheSessionSeesNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f)
            let stranger = Actor(name: "user:trainer", role: .trainer, userID: UUID())
            await #expect(throws: KalanError.notFound(.session, key: "S-1")) {
                try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 80, actor: stranger)
            }
            await #expect(throws: KalanError.notFound(.session, key: "S-1")) { try await f.results.roster(sessionCode: "S-1", actor: stranger) }
        }
    }
}
