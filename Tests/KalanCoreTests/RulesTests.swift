import Foundation
import KalanCore
import Testing

@Suite("Rules, pure: transitions, completion, visibility, validity, days")
struct RulesTests {
    @Test func enrolmentMovesOnlyAlongItsLifecycle() {
        #expect(EnrolmentStatus.nominated.canMove(to: .approved))
        #expect(EnrolmentStatus.approved.canMove(to: .waitlisted))
        #expect(EnrolmentStatus.waitlisted.canMove(to: .enrolled))
        #expect(EnrolmentStatus.enrolled.canMove(to: .completed))
        #expect(EnrolmentStatus.enrolled.canMove(to: .noShow))
        #expect(EnrolmentStatus.withdrawn.canMove(to: .nominated))
        #expect(!EnrolmentStatus.nominated.canMove(to: .enrolled), "approval comes first")
        #expect(!EnrolmentStatus.completed.canMove(to: .failed))
        #expect(!EnrolmentStatus.waitlisted.canMove(to: .completed))
        #expect(!EnrolmentStatus.rejected.canMove(to: .approved))
        #expect(EnrolmentStatus.seatHolders == [.enrolled, .completed, .failed, .noShow])
    }

    @Test func sessionMovesPlannedOpenInProgressCompletedOrCancelled() {
        #expect(SessionStatus.planned.canMove(to: .open))
        #expect(SessionStatus.open.canMove(to: .inProgress))
        #expect(SessionStatus.inProgress.canMove(to: .completed))
        #expect(SessionStatus.open.canMove(to: .cancelled))
        #expect(!SessionStatus.completed.canMove(to: .cancelled))
        #expect(!SessionStatus.cancelled.canMove(to: .open))
        #expect(!SessionStatus.completed.canMove(to: .inProgress))
    }

    @Test func passedOnlyWhenBothPassMarkAndAttendanceAreReached() {
        #expect(CompletionRule.outcome(postScore: 60, attendanceRate: 80, passMark: 60, minAttendance: 80) == .completed)
        #expect(CompletionRule.outcome(postScore: 59.99, attendanceRate: 100, passMark: 60, minAttendance: 80) == .failed)
        #expect(CompletionRule.outcome(postScore: 100, attendanceRate: 79.9, passMark: 60, minAttendance: 80) == .failed)
        #expect(CompletionRule.outcome(postScore: 0, attendanceRate: 0, passMark: 0, minAttendance: 0) == .completed)
    }

    @Test func attendanceCountsMissingDaysAsAbsentAndLeavesExcusedOut() {
        let days = (4...8).map { Day(year: 2030, month: 3, day: $0)! }
        let records: [Day: AttendanceStatus] = [days[0]: .present, days[1]: .present, days[2]: .excused, days[3]: .present]
        #expect(CompletionRule.attendanceRate(trainingDays: days, records: records) == 75)
        #expect(CompletionRule.attendanceRate(trainingDays: days, records: [:]) == 0)
        #expect(CompletionRule.attendanceRate(trainingDays: [days[0]], records: [days[0]: .excused]) == 100)
    }

    @Test func trainingDaysAreWeekdaysUnlessTheSessionIsAWeekend() {
        let week = TrainingSession(code: "S", courseID: UUID(), partnerID: UUID(), startsOn: Day("2030-03-04")!, endsOn: Day("2030-03-10")!, mode: .online, capacity: 1)
        #expect(week.trainingDays.count == 5)
        let weekend = TrainingSession(code: "S", courseID: UUID(), partnerID: UUID(), startsOn: Day("2030-03-09")!, endsOn: Day("2030-03-10")!, mode: .online, capacity: 1)
        #expect(weekend.trainingDays.count == 2)
    }

    @Test func trainersSeeAndRecordOnlyTheirOwnSessionsViewersRecordNothing() {
        let trainer = UUID()
        let session = TrainingSession(
            code: "S", courseID: UUID(), partnerID: UUID(), startsOn: Day("2030-03-04")!, endsOn: Day("2030-03-08")!, mode: .online, capacity: 1, trainerIDs: [trainer])
        #expect(Actor(name: "t", role: .trainer, userID: trainer).canRecord(for: session))
        #expect(!Actor(name: "o", role: .trainer, userID: UUID()).canSee(session))
        #expect(Actor(name: "v", role: .viewer).canSee(session))
        #expect(!Actor(name: "v", role: .viewer).canRecord(for: session))
        #expect(Actor(name: "h", role: .hr).canRecord(for: session))
    }

    @Test func certificateStatusRevokedWinsThenExpiryTheDayAfter() {
        var c = Certificate(enrolmentID: UUID(), serial: "X", issuedOn: Day("2026-01-31")!, expiresOn: Day("2026-01-31")!.adding(months: 1), credential: "", signingKeyID: "k")
        #expect(c.expiresOn == Day("2026-02-28"), "31 January + 1 month is the end of February")
        #expect(c.status(on: Day("2026-02-28")!) == .valid)
        #expect(c.status(on: Day("2026-03-01")!) == .expired)
        c.revokedAt = Date()
        #expect(c.status(on: Day("2026-02-01")!) == .revoked)
    }

    @Test func daysParseISOAndFrenchSpreadsheetFormsAndRefuseImpossibleDates() {
        #expect(Day("2024-02-29") == Day(year: 2024, month: 2, day: 29))
        #expect(Day("29/02/2024") == Day(year: 2024, month: 2, day: 29))
        #expect(Day("2025-02-29") == nil)
        #expect(Day("2025-13-01") == nil)
        #expect(Day("hier") == nil)
        #expect(Day("1970-01-01")?.ordinal == 0)
        #expect(Day(ordinal: 20_000).description == "2024-10-04")
    }

    @Test func validationNamesTheFieldAndNormalisesCodes() throws {
        #expect(try Validate.code(" dnt ") == "DNT")
        #expect(throws: KalanError.invalid(field: "code", problem: .format(.code))) { try Validate.code("D N T") }
        #expect(throws: KalanError.invalid(field: "country", problem: .format(.country))) { try Validate.country("Mali") }
        #expect(throws: KalanError.invalid(field: "name", problem: .required)) { try Validate.required("  ", field: "name") }
        #expect(try Validate.choice("Hybrid", as: DeliveryMode.self, field: "mode") == .hybrid)
    }

    @Test func messagesExistInFrenchAndEnglish() {
        let error = KalanError.rule(.missingPrerequisites(courses: ["TEL-FOND"]))
        #expect(error.message(in: .fr) == "Prérequis non validés : TEL-FOND")
        #expect(error.message(in: .en) == "Prerequisites not completed: TEL-FOND")
        #expect(KalanError.notFound(.trainee, key: "MCE-1").message(in: .fr) == "Agent introuvable : MCE-1")
    }

    @Test func closedResultsGoBackToEnrolledOnlyAndShortfallsSayWhy() {
        #expect(EnrolmentStatus.completed.canMove(to: .enrolled) && EnrolmentStatus.failed.canMove(to: .enrolled), "reopening")
        #expect(!EnrolmentStatus.completed.canMove(to: .nominated) && !EnrolmentStatus.failed.canMove(to: .completed))
        #expect(EnrolmentStatus.allCases.filter(\.resultsClosed) == [.completed, .failed])
        #expect(CompletionRule.shortfalls(postScore: 60, attendanceRate: 80, passMark: 60, minAttendance: 80).isEmpty)
        let both = CompletionRule.shortfalls(postScore: 59.5, attendanceRate: 79.96, passMark: 60, minAttendance: 80)
        #expect(both == [.postScoreBelowPassMark(score: 59.5, passMark: 60), .attendanceBelowMinimum(rate: 79.96, minimum: 80)])
        #expect(both.map { $0.message(in: .fr) } == ["score de sortie 59,5 < 60 (note de passage)", "assiduité 79,9 % < 80 % (minimum)"])
        #expect(both.map { $0.message(in: .en) } == ["post-test score 59.5 < 60 (pass mark)", "attendance 79.9% < 80% (minimum)"])
        #expect(CompletionRule.shortfalls(postScore: nil, attendanceRate: 100, passMark: 50, minAttendance: 80) == [.noPostScore])
        #expect(CompletionRule.outcome(postScore: 59.99, attendanceRate: 100, passMark: 60, minAttendance: 80) == .failed)
    }

    @Test func sheetVersionsAreTheServersOwnTokensOnly() {
        #expect(AttendanceSheet.revision(ofVersion: AttendanceSheet.version(revision: 42)) == 42)
        for bad in ["", " ", "-1", "v3", "1e3", "12345678901234567890", "٣"] { #expect(AttendanceSheet.revision(ofVersion: bad) == nil, "\(bad)") }
        let stale = KalanError.attendanceChanged(
            day: Day("2030-03-04")!, differences: [.init(staffNumber: "MCE-1", fullName: "Awa N'Diaye", wanted: .present, saved: .excused)])
        #expect(stale.isConflict)
        #expect(stale.message(in: .en).hasSuffix("Awa N'Diaye (MCE-1): saved “excused”, form “present”"))
        #expect(stale.message(in: .fr).hasSuffix("Awa N'Diaye (MCE-1) : enregistré « excusé », formulaire « présent »"))
    }
}
