import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Rule 4: sheets that never lose a mark, closed results that stay closed, and reopening.
/// The session runs Monday 4 – Friday 8 March 2030; the course's pass mark is 60, its minimum
/// attendance 80 %.
@Suite("Results: attendance sheets, closing and reopening (rule 4)")
struct ClosedResultsTests {
    static let days = (4...8).map { Day(year: 2030, month: 3, day: $0)! }
    static let monday = days[0]

    func enrolled(_ f: WorkflowFixture, count: Int) async throws -> [String] {
        try await f.session("S-1", from: "2030-03-04", to: "2030-03-08")
        let staff = try await f.staff(count)
        for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-1", actor: f.hr) }
        return staff
    }

    /// `present` days present out of five, the rest absent, and a post-test score when given.
    func results(_ f: WorkflowFixture, _ number: String, present: Int, post: Double?) async throws {
        let marks = Self.days.enumerated().map { index, day in
            ResultsRecording.AttendanceMark(staffNumber: number, day: day, status: index < present ? .present : .absent)
        }
        try await f.results.recordAttendance(sessionCode: "S-1", marks: marks, actor: f.hr)
        if let post { try await f.results.recordScore(sessionCode: "S-1", staffNumber: number, kind: .post, score: post, actor: f.hr) }
    }

    func mark(_ number: String, _ status: AttendanceStatus, on day: Day = monday) -> ResultsRecording.AttendanceMark {
        .init(staffNumber: number, day: day, status: status)
    }

    func status(_ f: WorkflowFixture, _ number: String) async throws -> String {
        try await f.pool.query(
            "SELECT e.status FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = \(number)"
        ).first!.decode("status")
    }

    // MARK: - Sheets

    @Test func sheetShowsWhatIsSavedTheUnmarkedDaysAndANewVersionAfterEachChange() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            let empty = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr)
            #expect(empty.lines.map(\.staffNumber) == staff)
            #expect(empty.lines.allSatisfy { $0.status == nil && !$0.closed && $0.fullName.hasSuffix("Traoré") })
            #expect(empty.unmarkedDays == Self.days)

            let saved = try await f.results.recordAttendance(
                sessionCode: "S-1", marks: [mark(staff[0], .absent), mark(staff[1], .excused)], expectedVersion: empty.version, actor: f.hr)
            let sheet = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr)
            #expect(sheet.lines.map(\.status) == [.absent, .excused], "a reopened sheet shows the saved absences, not 'present'")
            #expect(sheet.unmarkedDays == Array(Self.days.dropFirst()))
            #expect(sheet.version != empty.version)
            #expect(saved[Self.monday] == sheet.version)

            // Saving the same marks again changes nothing, not even the version.
            try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .absent)], expectedVersion: sheet.version, actor: f.hr)
            #expect(try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr).version == sheet.version)
            await #expect(throws: KalanError.rule(.dayOutsideSession(day: Day("2030-03-11")!))) {
                try await f.results.attendanceSheet(sessionCode: "S-1", day: Day("2030-03-11")!, actor: f.hr)
            }
        }
    }

    @Test func staleSheetIsRefusedWithTheDifferencesAndKeepsNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 3)
            let read = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr).version
            // Someone else marks the first two absent meanwhile.
            try await f.results.recordAttendance(
                sessionCode: "S-1", marks: [mark(staff[0], .absent), mark(staff[1], .absent)], expectedVersion: read, actor: f.admin)

            let stale = [mark(staff[0], .present), mark(staff[1], .absent), mark(staff[2], .present)]
            let refusal = KalanError.attendanceChanged(
                day: Self.monday, differences: [.init(staffNumber: staff[0], fullName: "Aminata Traoré", wanted: .present, saved: .absent)])
            await #expect(throws: refusal) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: stale, expectedVersion: read, actor: f.hr)
            }
            let sheet = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr)
            #expect(sheet.lines.map(\.status) == [.absent, .absent, nil], "nothing of the refused save is kept")
            #expect(refusal.message(in: .fr).contains("Aminata Traoré (\(staff[0])) : enregistré « absent », formulaire « présent »"))

            // A stale form that agrees with what changed overwrites nothing: it is saved.
            try await f.results.recordAttendance(
                sessionCode: "S-1", marks: [mark(staff[0], .absent), mark(staff[2], .present)], expectedVersion: read, actor: f.hr)
            #expect(try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr).lines.map(\.status) == [.absent, .absent, .present])

            for bad in ["", "v1", "-1", "999999"] {
                await #expect(throws: KalanError.invalid(field: "version", problem: .format(.sheetVersion))) {
                    try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .present)], expectedVersion: bad, actor: f.hr)
                }
            }
        }
    }

    @Test func aMarkChangedInPlainSQLAlsoOutdatesTheSheet() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 1)
            try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .present)], actor: f.hr)
            let read = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr).version
            try await pool.query("UPDATE attendance SET status = 'excused' WHERE day = \(Self.monday)")
            #expect(try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr).version != read, "the trigger keeps the revision")
            await #expect(throws: KalanError.attendanceChanged(day: Self.monday, differences: [.init(staffNumber: staff[0], fullName: "Aminata Traoré", wanted: .absent, saved: .excused)])) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .absent)], expectedVersion: read, actor: f.hr)
            }
        }
    }

    @Test func ofTwoConcurrentSavesReadAtTheSameVersionOneIsRefused() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 4)
            for day in Self.days {
                let version = try await f.results.attendanceSheet(sessionCode: "S-1", day: day, actor: f.hr).version
                let outcomes = await withTaskGroup(of: Result<AttendanceStatus, any Error>.self) { group in
                    for wanted in [AttendanceStatus.present, .absent] {
                        group.addTask {
                            do {
                                try await f.results.recordAttendance(
                                    sessionCode: "S-1", marks: staff.map { mark($0, wanted, on: day) }, expectedVersion: version, actor: f.hr)
                                return .success(wanted)
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    var all: [Result<AttendanceStatus, any Error>] = []
                    for await outcome in group { all.append(outcome) }
                    return all
                }
                let saved = outcomes.compactMap { try? $0.get() }
                #expect(saved.count == 1, "\(day): exactly one save passes")
                let refused = outcomes.compactMap { outcome -> KalanError? in
                    if case .failure(let error) = outcome { return error as? KalanError }
                    return nil
                }
                guard case .attendanceChanged(_, let differences)? = refused.first else {
                    Issue.record("\(day): the other save is refused with the differences, not \(refused)")
                    continue
                }
                #expect(differences.count == 4 && differences.allSatisfy { $0.saved == saved.first })
                let sheet = try await f.results.attendanceSheet(sessionCode: "S-1", day: day, actor: f.hr)
                #expect(sheet.lines.allSatisfy { $0.status == saved.first }, "the sheet holds the one save that passed, whole")
            }
        }
    }

    @Test func staleScoresAreRefusedWithTheDifferencesAndKeepNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            // HR's form showed both post scores empty; meanwhile an admin saves 45 for the first.
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 45, actor: f.admin)
            let stale: [ResultsRecording.ScoreEntry] = [
                .init(staffNumber: staff[0], kind: .post, score: 80, shown: nil), .init(staffNumber: staff[1], kind: .post, score: 70, shown: nil),
            ]
            let refusal = KalanError.scoresChanged(differences: [.init(staffNumber: staff[0], fullName: "Aminata Traoré", kind: .post, wanted: 80, saved: 45)])
            await #expect(throws: refusal) { try await f.results.recordScores(sessionCode: "S-1", scores: stale, actor: f.hr) }
            #expect(refusal.message(in: .fr).hasSuffix("Aminata Traoré (\(staff[0])), test de sortie : enregistré 45, formulaire 80"))
            #expect(try await f.count("assessment") == 1, "nothing of the refused save is kept")
            // A form that showed what is saved, or that wants what is saved, overwrites nothing it did not see.
            try await f.results.recordScores(
                sessionCode: "S-1", scores: [.init(staffNumber: staff[0], kind: .post, score: 82.5, shown: 45), .init(staffNumber: staff[1], kind: .post, score: 70, shown: nil)],
                actor: f.hr)
            #expect(try await f.count("assessment WHERE score IN (82.5, 70)") == 2)
        }
    }

    // MARK: - Closed results are locked

    @Test func closedEnrolmentRefusesAttendanceAndScoreChanges() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 1)
            try await results(f, staff[0], present: 4, post: 75)
            try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            let closed = KalanError.rule(.resultsClosed(staffNumber: staff[0], name: "Aminata Traoré"))
            await #expect(throws: closed) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .present, on: Self.days[4])], actor: f.admin)
            }
            await #expect(throws: closed) {
                try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 20, actor: f.admin)
            }
            await #expect(throws: closed) {
                try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .pre, score: 20, actor: f.admin)
            }
            #expect(closed.message(in: .en).contains("Aminata Traoré (\(staff[0]))"))
            // What is saved may be sent again (a whole sheet): nothing changes, nothing is refused.
            try await f.results.recordAttendance(sessionCode: "S-1", marks: [mark(staff[0], .present)], actor: f.hr)
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 75, actor: f.hr)
            let sheet = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.days[4], actor: f.hr)
            #expect(sheet.lines.map(\.closed) == [true] && sheet.lines.map(\.status) == [.absent] && sheet.unmarkedDays.isEmpty)
            let scores = try await f.repository.transaction { work in
                try await work.scores(of: try await work.attendanceSheet(sessionID: sheet.session.id, day: Self.monday)[0].enrolmentID)
            }
            #expect(scores[.post] == 75 && scores[.pre] == nil)
        }
    }

    @Test func theDatabaseItselfRefusesChangesToClosedResults() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            try await results(f, staff[0], present: 5, post: 90)
            try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            let mine = "(SELECT e.id FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = '\(staff[0])')"
            for sql in [
                "UPDATE attendance SET status = 'absent' WHERE enrolment_id = \(mine)",
                "DELETE FROM attendance WHERE enrolment_id = \(mine)",
                "INSERT INTO assessment (enrolment_id, kind, score, recorded_by) VALUES (\(mine), 'pre', 10, 'psql')",
                "UPDATE assessment SET score = 20 WHERE enrolment_id = \(mine)",
                "DELETE FROM assessment WHERE enrolment_id = \(mine)",
            ] {
                do {
                    try await pool.query(PostgresQuery(unsafeSQL: sql))
                    Issue.record("accepted: \(sql)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "KL001" && error.constraint == "results_closed", "\(sql): \(error)")
                    #expect(error.detail == "\(staff[0]) Aminata Traoré")
                }
            }
            #expect(try await f.count("attendance WHERE status = 'present'") == 5)
            #expect(try await f.count("assessment WHERE score = 90") == 1)
            // Through the repository the trigger's refusal is the rule, naming the person.
            await #expect(throws: KalanError.rule(.resultsClosed(staffNumber: staff[0], name: "Aminata Traoré"))) {
                try await f.repository.transaction { work in
                    let session = try await work.session(code: "S-1")!
                    let line = try await work.attendanceSheet(sessionID: session.id, day: Self.monday).first { $0.staffNumber == staff[0] }!
                    try await work.record(attendance: .absent, on: Self.monday, for: line.enrolmentID, by: "test")
                }
            }
            #expect(try await status(f, staff[1]) == "failed", "no post score fails the line")
        }
    }

    // MARK: - Closing

    @Test func closingDecidesEveryLineFromTheRuleAndSaysWhyALineFailed() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 4)
            try await results(f, staff[0], present: 4, post: 60)
            try await results(f, staff[1], present: 5, post: 45)
            try await results(f, staff[2], present: 3, post: nil)
            try await results(f, staff[3], present: 5, post: 95)
            try await f.results.complete(sessionCode: "S-1", staffNumber: staff[3], actor: f.hr, override: (.failed, "fraude à l'examen"))

            let preview = try await f.results.closingPreview(sessionCode: "S-1", actor: f.hr)
            #expect(try await status(f, staff[0]) == "enrolled", "a preview saves nothing")
            let closed = try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            #expect(preview == closed)
            #expect(closed.passMark == 60 && closed.minAttendance == 80)
            let byStaff = Dictionary(uniqueKeysWithValues: closed.lines.map { ($0.staffNumber, $0) })
            #expect(byStaff[staff[0]]?.outcome == .completed && byStaff[staff[0]]?.shortfalls == [] && byStaff[staff[0]]?.attendanceRate == 80)
            #expect(byStaff[staff[1]]?.outcome == .failed)
            #expect(byStaff[staff[1]]?.shortfalls == [.postScoreBelowPassMark(score: 45, passMark: 60)])
            #expect(byStaff[staff[2]]?.shortfalls == [.noPostScore, .attendanceBelowMinimum(rate: 60, minimum: 80)])
            #expect(byStaff[staff[3]]?.outcome == .failed && byStaff[staff[3]]?.closedNow == false, "an outcome already decided stays")
            #expect(closed.lines.filter(\.closedNow).count == 3)
            #expect(byStaff[staff[1]]?.shortfalls.first?.message(in: .fr) == "score de sortie 45 < 60 (note de passage)")
            #expect(byStaff[staff[2]]?.shortfalls.last?.message(in: .en) == "attendance 60% < 80% (minimum)")
            for (number, expected) in zip(staff, ["completed", "failed", "failed", "failed"]) { #expect(try await status(f, number) == expected) }
            #expect(try await f.count("audit_event WHERE action = 'results.close' AND entity_id = 'S-1'") == 1)

            let viewer = Actor(name: "user:v", role: .viewer)
            await #expect(throws: KalanError.forbidden) { try await f.results.closeResults(sessionCode: "S-1", actor: viewer) }
        }
    }

    @Test func closingWaitsForAMarkBeingWrittenAndCountsIt() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 1)
            try await results(f, staff[0], present: 3, post: 90)
            let thursday = Self.days[3]
            let closed = try await pool.withTransaction { connection in
                // A fourth day present, written in plain SQL and not yet committed: the trigger
                // holds the enrolment, so closing waits, then sees 80 % instead of 60 %.
                try await connection.query(
                    """
                    UPDATE attendance SET status = 'present'
                    WHERE day = \(thursday) AND enrolment_id = (SELECT e.id FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = \(staff[0]))
                    """)
                let closing = Task { try await f.results.closeResults(sessionCode: "S-1", actor: f.hr) }
                try await Task.sleep(for: .milliseconds(300))
                return closing
            }
            let line = try #require(try await closed.value.lines.first)
            #expect(line.outcome == .completed && line.attendanceRate == 80, "\(line)")
        }
    }

    // MARK: - Reopening

    @Test func reopeningNeedsHROrAnAdminAndAReasonRecordedInHistoryAndAudit() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            await #expect(throws: KalanError.rule(.resultsNotClosed(session: "S-1"))) {
                try await f.results.reopenResults(sessionCode: "S-1", reason: "rien à rouvrir", actor: f.hr)
            }
            try await results(f, staff[0], present: 5, post: 70)
            try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            let trainer = Actor(name: "user:t", role: .trainer, userID: UUID())
            for actor in [trainer, Actor(name: "user:v", role: .viewer)] {
                await #expect(throws: KalanError.forbidden) { try await f.results.reopenResults(sessionCode: "S-1", reason: "erreur", actor: actor) }
            }
            for blank in ["", "   "] {
                await #expect(throws: KalanError.rule(.reasonRequired)) { try await f.results.reopenResults(sessionCode: "S-1", reason: blank, actor: f.hr) }
            }
            #expect(try await status(f, staff[0]) == "completed", "a refused reopening changes nothing")

            let reopened = try await f.results.reopenResults(sessionCode: "S-1", reason: "Note mal saisie", actor: f.hr)
            #expect(reopened.lines.map(\.previousStatus) == [.completed, .failed] || reopened.lines.map(\.previousStatus) == [.failed, .completed])
            for number in staff { #expect(try await status(f, number) == "enrolled") }
            let history = try await f.workflow.history(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            #expect(history.last?.from == .completed && history.last?.to == .enrolled && history.last?.reason == "Note mal saisie")
            #expect(try await f.count("audit_event WHERE action = 'results.reopen' AND after->>'reason' = 'Note mal saisie'") == 1)
            #expect(try await f.count("audit_event WHERE action = 'enrolment.enrolled' AND before->>'status' = 'completed'") == 1)
            // Open again: attendance and scores can be corrected.
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 72, actor: f.hr)
        }
    }

    @Test func closingAgainRecomputesEveryOutcome() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            try await results(f, staff[0], present: 5, post: 45)
            try await results(f, staff[1], present: 5, post: 80)
            try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            #expect(try await status(f, staff[0]) == "failed")

            try await f.results.reopenResults(sessionCode: "S-1", reason: "copie recorrigée", actor: f.hr)
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 85, actor: f.hr)
            let again = try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            #expect(again.lines.allSatisfy { $0.closedNow && $0.outcome == .completed && $0.shortfalls.isEmpty })
            #expect(try await status(f, staff[0]) == "completed", "a score raised above the pass mark passes")
            #expect(try await status(f, staff[1]) == "completed")
        }
    }

    @Test func aHolderWhoNoLongerPassesLosesTheCertificateInTheSameTransactionWithTheReason() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            try await results(f, staff[0], present: 5, post: 90)
            try await results(f, staff[1], present: 5, post: 80)
            try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            let issuing = CertificateIssuing(
                repository: f.repository, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "https://kalan.example.ml"), serialPrefix: "KLN",
                publicURL: "https://kalan.example.ml", clock: .fixed(Day("2030-03-09")!))
            let issued = try await issuing.issueSession(code: "S-1", actor: f.hr)
            #expect(issued.count == 2)
            let serial = try #require(issued.first { $0.content.trainee.staffNumber == staff[0] }?.certificate.serial)

            let reopened = try await f.results.reopenResults(sessionCode: "S-1", reason: "Note post-test erronée", actor: f.admin)
            #expect(Set(reopened.lines.compactMap(\.certificate)).count == 2)
            #expect(try await issuing.verify(serial: serial, language: .fr)?.status == .valid, "reopening alone revokes nothing")
            try await f.results.recordScore(sessionCode: "S-1", staffNumber: staff[0], kind: .post, score: 20, actor: f.hr)

            let closed = try await f.results.closeResults(sessionCode: "S-1", actor: f.hr)
            let line = try #require(closed.lines.first { $0.staffNumber == staff[0] })
            #expect(line.outcome == .failed && line.revokedCertificate == serial)
            #expect(closed.lines.first { $0.staffNumber == staff[1] }?.revokedCertificate == nil)
            let check = try #require(try await issuing.verify(serial: serial, language: .fr))
            #expect(check.status == .revoked)
            #expect(check.revocationReason == nil, "the public check no longer carries the free-text reason (issue 13)")
            let storedReason: String = try await pool.query("SELECT revoked_reason FROM certificate WHERE serial = \(serial)").firstRow().decode("revoked_reason")
            #expect(storedReason.contains("Note post-test erronée"))
            #expect(try await f.count("certificate WHERE revoked_at IS NULL") == 1, "the other holder, still completed, keeps a valid certificate")
            // The revocation was part of closing: same transaction, same time as the status change.
            let sameTransaction: Bool = try await pool.query(
                """
                SELECT (SELECT revoked_at FROM certificate WHERE serial = \(serial))
                     = (SELECT e.updated_at FROM enrolment e JOIN certificate c ON c.enrolment_id = e.id WHERE c.serial = \(serial)) AS same
                """
            ).first!.decode("same")
            #expect(sameTransaction)
            #expect(try await f.count("audit_event WHERE action = 'certificate.revoke' AND entity_id = '\(serial)'") == 1)
        }
    }

    // MARK: - The same rules through the CLI

    @Test func kalanResultsClosesReopensAndAttendanceRefusesClosedAndStaleMarks() async throws {
        try #require(KalanProcess.isBuilt, "kalan must be built beside the tests (swift build --build-tests)")
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 2)
        let f = try await WorkflowFixture.make(pool)
        let staff = try await enrolled(f, count: 2)
        try await results(f, staff[0], present: 5, post: 90)
        try await results(f, staff[1], present: 5, post: 30)
        await pool.close()
        let common = ["--database-url", url, "--log-level", "error", "--lang", "en"]

        let sheet = try await KalanProcess.run(["results", "sheet", "S-1", "--day", "2030-03-04"] + common)
        #expect(sheet.code == 0 && sheet.output.contains("Version ") && sheet.output.contains("days not marked yet: none"), "\(sheet.output)")
        let stale = try await KalanProcess.run(
            ["attendance", "--session", "S-1", "--day", "2030-03-04", "--sheet-version", "0", "\(staff[0])=absent"] + common)
        #expect(stale.code == 4 && stale.output.contains("changed meanwhile") && stale.output.contains(staff[0]), "\(stale.output)")

        let close = try await KalanProcess.run(["results", "close", "S-1"] + common)
        #expect(close.code == 0, "\(close.output)")
        #expect(close.output.contains("Rule: post-test score of at least 60, attendance of at least 80%. 1 completed, 1 failed."))
        #expect(close.output.contains("post-test score 30 < 60 (pass mark)"))
        let locked = try await KalanProcess.run(["attendance", "--session", "S-1", "--day", "2030-03-04", "\(staff[1])=absent"] + common)
        #expect(locked.code == 4 && locked.output.contains("are closed") && locked.output.contains(staff[1]), "\(locked.output)")
        let scores = try await KalanProcess.run(["scores", "--session", "S-1", staff[1], "--post", "75"] + common)
        #expect(scores.code == 4 && scores.output.contains("are closed"), "\(scores.output)")

        let noReason = try await KalanProcess.run(["results", "reopen", "S-1", "--reason", " "] + common)
        #expect(noReason.code == 4 && noReason.output.contains("reason is required"), "\(noReason.output)")
        let reopen = try await KalanProcess.run(["results", "reopen", "S-1", "--reason", "Copie de \(staff[1]) recorrigée"] + common)
        #expect(reopen.code == 0 && reopen.output.contains("2 result(s) reopened"), "\(reopen.output)")
        #expect(try await KalanProcess.run(["scores", "--session", "S-1", staff[1], "--post", "75"] + common).code == 0)
        let again = try await KalanProcess.run(["results", "close", "S-1", "--format", "csv"] + common)
        #expect(again.code == 0 && again.output.contains("\(staff[1]),Moussa Traoré,completed,100,75.0,,yes,"), "\(again.output)")
    }
}
