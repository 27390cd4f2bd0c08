import Foundation

/// What trainers record: attendance per day, pre/post-test scores, and the outcome (rule 4).
public struct ResultsRecording: Sendable {
    let repository: any KalanRepository
    let workflow: EnrolmentWorkflow
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
        self.workflow = EnrolmentWorkflow(repository: repository, clock: clock)
    }

    public struct AttendanceMark: Sendable {
        public var staffNumber: String
        public var day: Day
        public var status: AttendanceStatus
        public init(staffNumber: String, day: Day, status: AttendanceStatus) {
            self.staffNumber = staffNumber
            self.day = day
            self.status = status
        }
    }

    /// One day's sheet as saved: every enrolled, completed and failed line with its mark (nil
    /// when unmarked) and whether its results are closed, the training days that still have
    /// unmarked enrolled lines, and the version to give back when saving. Anyone who sees the session.
    public func attendanceSheet(sessionCode: String, day: Day, actor: Actor) async throws -> AttendanceSheet {
        try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            guard Self.isDay(day, of: session) else { throw KalanError.rule(.dayOutsideSession(day: day)) }
            // The revision first: the marks read after it are at least as new, so a version never
            // vouches for a change the sheet did not show.
            let revision = try await work.attendanceRevision(sessionID: session.id, day: day, lock: false)
            let saved = try await work.attendanceSheet(sessionID: session.id, day: day)
            let marked = try await work.markedEnrolledLines(sessionID: session.id)
            let enrolled = saved.filter { $0.enrolmentStatus == .enrolled }.count
            let unmarked = enrolled == 0 ? [] : session.trainingDays.filter { marked[$0, default: 0] < enrolled }
            return AttendanceSheet(
                session: session, day: day,
                lines: saved.map { .init(staffNumber: $0.staffNumber, fullName: $0.fullName, enrolmentStatus: $0.enrolmentStatus, status: $0.status) },
                unmarkedDays: unmarked, version: AttendanceSheet.version(revision: revision))
        }
    }

    /// Records marks for one session, all or none; returns each day's sheet version after the save.
    ///
    /// A mark equal to the saved one is left alone; any other mark for a completed or failed
    /// enrolment is refused (`resultsClosed`, rule 4). With `expectedVersion` (the version of the
    /// sheet the form was read from; then all marks are for one day), a mark that someone changed
    /// since that version is never overwritten: when the form wants something else for it, nothing
    /// is saved and `attendanceChanged` lists the differences. The check runs with the sheet locked,
    /// so of two saves read at the same version, the second sees the first.
    @discardableResult
    public func recordAttendance(
        sessionCode: String, marks: [AttendanceMark], expectedVersion: String? = nil, actor: Actor
    ) async throws -> [Day: String] {
        var expected: Int?
        if let expectedVersion {
            guard let revision = AttendanceSheet.revision(ofVersion: expectedVersion) else {
                throw KalanError.invalid(field: "version", problem: .format(.sheetVersion))
            }
            guard Set(marks.map(\.day)).count <= 1 else { throw KalanError.invalid(field: "day", problem: .format(.oneDay)) }
            expected = revision
        }
        let expectedRevision = expected
        return try await repository.transaction { work in
            guard !marks.isEmpty else { return [:] }
            // The session, then every line of the sheet in one read (their enrolments locked),
            // checked mark by mark in the order `EnrolmentWorkflow.locate` checks one.
            let (session, lines) = try await sheetLines(sessionCode: sessionCode, staffNumbers: marks.map(\.staffNumber), actor: actor, in: work)
            var located: [(mark: AttendanceMark, trainee: Trainee, enrolment: Enrolment)] = []
            for mark in marks {
                guard let line = lines[mark.staffNumber] else { throw KalanError.notFound(.trainee, key: mark.staffNumber) }
                guard let enrolment = line.enrolment else { throw KalanError.notFound(.enrolment, key: "\(mark.staffNumber) / \(sessionCode)") }
                guard actor.canRecord(for: session) else { throw KalanError.forbidden }
                guard Self.isDay(mark.day, of: session) else { throw KalanError.rule(.dayOutsideSession(day: mark.day)) }
                guard enrolment.status == .enrolled || enrolment.status.resultsClosed else {
                    throw KalanError.rule(.transition(from: enrolment.status, to: .enrolled))
                }
                located.append((mark, line.trainee, enrolment))
            }
            let days = Set(marks.map(\.day)).sorted()
            var writes: [AttendanceWrite] = []
            var audits: [AuditEntry] = []
            for day in days {
                // Locked after the enrolments, in the order the database trigger takes them.
                let revision = try await work.attendanceRevision(sessionID: session.id, day: day, lock: true)
                var saved = Dictionary(try await work.attendanceSheet(sessionID: session.id, day: day).map { ($0.enrolmentID, $0) }, uniquingKeysWith: { a, _ in a })
                let todays = located.filter { $0.mark.day == day }
                if let expectedRevision {
                    guard expectedRevision <= revision else {
                        throw KalanError.invalid(field: "version", problem: .format(.sheetVersion))
                    }
                    var differences: [AttendanceDifference] = []
                    for item in todays where !differences.contains(where: { $0.staffNumber == item.trainee.staffNumber }) {
                        guard let line = saved[item.enrolment.id], line.revision > expectedRevision, line.status != item.mark.status else { continue }
                        differences.append(
                            AttendanceDifference(staffNumber: item.trainee.staffNumber, fullName: item.trainee.fullName, wanted: item.mark.status, saved: line.status))
                    }
                    if !differences.isEmpty { throw KalanError.attendanceChanged(day: day, differences: differences) }
                }
                for item in todays {
                    let before = saved[item.enrolment.id]?.status
                    if before == item.mark.status { continue }
                    guard !item.enrolment.status.resultsClosed else {
                        throw KalanError.rule(.resultsClosed(staffNumber: item.trainee.staffNumber, name: item.trainee.fullName))
                    }
                    writes.append(AttendanceWrite(enrolmentID: item.enrolment.id, day: day, status: item.mark.status))
                    saved[item.enrolment.id]?.status = item.mark.status
                    audits.append(
                        AuditEntry(
                            actor: actor, action: "attendance.record", entity: .enrolment, entityID: item.enrolment.id.uuidString,
                            before: before.map { ["day": day.description, "status": $0.rawValue] },
                            after: ["day": day.description, "status": item.mark.status.rawValue]))
                }
            }
            // Every check passed: the changed marks in one statement, their audit entries in another.
            if !writes.isEmpty {
                try await work.record(attendance: writes, by: actor.name)
                try await work.audit(audits)
            }
            var versions: [Day: String] = [:]
            for day in days {
                versions[day] = AttendanceSheet.version(revision: try await work.attendanceRevision(sessionID: session.id, day: day, lock: false))
            }
            return versions
        }
    }

    /// The session of a sheet being saved, locked, and its lines by staff number as given; the
    /// session is refused as `EnrolmentWorkflow.locate` refuses it.
    private func sheetLines(
        sessionCode: String, staffNumbers: [String], actor: Actor, in work: any KalanUnitOfWork
    ) async throws -> (TrainingSession, [String: AttendanceLine]) {
        guard let found = try await work.session(code: sessionCode), actor.canSee(found) else { throw KalanError.notFound(.session, key: sessionCode) }
        if !actor.managesRegister, actor.role != .trainer { throw KalanError.forbidden }
        let session = try await work.lockSession(id: found.id)
        return (session, try await work.attendanceLines(sessionID: session.id, staffNumbers: staffNumbers))
    }

    static func isDay(_ day: Day, of session: TrainingSession) -> Bool {
        session.trainingDays.contains(day) || (session.startsOn...session.endsOn).contains(day)
    }

    public struct ScoreEntry: Sendable {
        public var staffNumber: String
        public var kind: AssessmentKind
        public var score: Double
        /// What the form showed for this score when it was read (nil: empty), checked only when
        /// `checksShown`: a score saved since as something else is not overwritten.
        public var shown: Double?
        public var checksShown: Bool

        public init(staffNumber: String, kind: AssessmentKind, score: Double) {
            self.staffNumber = staffNumber
            self.kind = kind
            self.score = score
            self.shown = nil
            self.checksShown = false
        }

        /// An entry from a form that showed `shown` (nil: an empty field) for this score.
        public init(staffNumber: String, kind: AssessmentKind, score: Double, shown: Double?) {
            self.init(staffNumber: staffNumber, kind: kind, score: score)
            self.shown = shown
            self.checksShown = true
        }
    }

    public func recordScore(sessionCode: String, staffNumber: String, kind: AssessmentKind, score: Double, actor: Actor) async throws {
        try await recordScores(sessionCode: sessionCode, scores: [ScoreEntry(staffNumber: staffNumber, kind: kind, score: score)], actor: actor)
    }

    /// Records scores for one session, all or none. A score equal to the saved one is left alone;
    /// any other score of a completed or failed enrolment is refused (`resultsClosed`, rule 4).
    /// Entries that carry what their form showed are checked against what is saved now (with the
    /// session locked): when someone saved another score meanwhile, nothing is saved and
    /// `scoresChanged` lists the differences.
    public func recordScores(sessionCode: String, scores: [ScoreEntry], actor: Actor) async throws {
        for entry in scores where !(entry.score.isFinite && (0...100).contains(entry.score)) {
            throw KalanError.invalid(field: scores.count == 1 ? "score" : "\(entry.kind.rawValue).\(entry.staffNumber)", problem: .range(min: 0, max: 100))
        }
        try await repository.transaction { work in
            var located: [(entry: ScoreEntry, trainee: Trainee, enrolment: Enrolment, before: Double?)] = []
            var differences: [ScoreDifference] = []
            for entry in scores {
                let (session, trainee, enrolment) = try await workflow.locate(staffNumber: entry.staffNumber, sessionCode: sessionCode, actor: actor, in: work)
                guard actor.canRecord(for: session) else { throw KalanError.forbidden }
                guard ![.nominated, .approved, .waitlisted, .rejected, .withdrawn].contains(enrolment.status) else {
                    throw KalanError.rule(.transition(from: enrolment.status, to: .enrolled))
                }
                let before = try await work.scores(of: enrolment.id)[entry.kind]
                if entry.checksShown, !Self.same(before, entry.shown), !Self.same(before, entry.score) {
                    differences.append(ScoreDifference(staffNumber: trainee.staffNumber, fullName: trainee.fullName, kind: entry.kind, wanted: entry.score, saved: before))
                }
                located.append((entry, trainee, enrolment, before))
            }
            if !differences.isEmpty { throw KalanError.scoresChanged(differences: differences) }
            for (entry, trainee, enrolment, before) in located {
                // A score given twice in one save: the second compares with the first.
                let current = try await work.scores(of: enrolment.id)[entry.kind] ?? before
                if Self.same(current, entry.score) { continue }
                guard !enrolment.status.resultsClosed else {
                    throw KalanError.rule(.resultsClosed(staffNumber: trainee.staffNumber, name: trainee.fullName))
                }
                try await work.record(score: entry.score, kind: entry.kind, for: enrolment.id, by: actor.name)
                try await work.audit(
                    AuditEntry(
                        actor: actor, action: "assessment.\(entry.kind.rawValue)", entity: .enrolment, entityID: enrolment.id.uuidString,
                        before: current.map { ["score": $0] }, after: ["score": entry.score]))
            }
        }
    }

    /// Scores are kept to two decimals: closer than half a hundredth is the same score.
    static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): abs(a - b) < 0.005
        default: false
        }
    }

    public struct Completion: Sendable, Codable {
        public var enrolment: Enrolment
        public var attendanceRate: Double
        public var postScore: Double?
        public var overridden: Bool
    }

    /// Completes an enrolment from its results; `override` sets the outcome, with a reason.
    @discardableResult
    public func complete(
        sessionCode: String, staffNumber: String, actor: Actor, override: (outcome: CompletionRule.Outcome, reason: String)? = nil
    ) async throws -> Completion {
        if let override, override.reason.nonEmptyNormalisedText == nil { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            let (session, _, enrolment) = try await workflow.locate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, in: work)
            guard actor.canRecord(for: session) else { throw KalanError.forbidden }
            guard let course = try await work.course(id: session.courseID) else { throw KalanError.notFound(.course, key: session.code) }
            let rate = CompletionRule.attendanceRate(trainingDays: session.trainingDays, records: try await work.attendance(of: enrolment.id))
            let post = try await work.scores(of: enrolment.id)[.post]
            let outcome: CompletionRule.Outcome
            if let override {
                outcome = override.outcome
            } else {
                guard let post else { throw KalanError.rule(.postScoreMissing) }
                outcome = CompletionRule.outcome(postScore: post, attendanceRate: rate, passMark: course.passMark, minAttendance: course.minAttendance)
            }
            let reason = override.map { "override: \($0.reason.normalisedText)" }
            let done = try await workflow.move(enrolment, to: outcome.status, reason: reason, actor: actor, in: work)
            _ = try await revokeUnlessCompleted(done, outcome: outcome, actor: actor, in: work)
            return Completion(enrolment: done, attendanceRate: rate, postScore: post, overridden: override != nil)
        }
    }

    /// Closes a session's results (rule 4). Every enrolled line becomes completed or failed by the
    /// course's rule (post-test score at the pass mark, attendance at its minimum; no post-test
    /// score fails the line); lines already closed keep their outcome and are listed as they are.
    /// A line that still holds a valid certificate (its results were reopened) and is not
    /// completed now has the certificate revoked, with the reopening's reason, in the same
    /// transaction. Trainers of the session, HR and admins.
    @discardableResult
    public func closeResults(sessionCode: String, actor: Actor) async throws -> ClosedResults {
        try await repository.transaction { work in
            try await closing(sessionCode: sessionCode, actor: actor, save: true, in: work)
        }
    }

    /// What `closeResults` would decide now, with the rule; nothing is saved. Anyone who sees the session.
    public func closingPreview(sessionCode: String, actor: Actor) async throws -> ClosedResults {
        try await repository.transaction { work in
            try await closing(sessionCode: sessionCode, actor: actor, save: false, in: work)
        }
    }

    func closing(sessionCode: String, actor: Actor, save: Bool, in work: any KalanUnitOfWork) async throws -> ClosedResults {
        guard let found = try await work.session(code: sessionCode), actor.canSee(found) else { throw KalanError.notFound(.session, key: sessionCode) }
        if save, !actor.canRecord(for: found) { throw KalanError.forbidden }
        var session = found
        if save { session = try await work.lockSession(id: found.id) }
        guard let course = try await work.course(id: session.courseID) else { throw KalanError.notFound(.course, key: session.code) }
        var lines: [ClosedResults.Line] = []
        for line in try await work.roster(sessionID: session.id) where line.enrolment.status == .enrolled || line.enrolment.status.resultsClosed {
            // Closing locks the enrolment before reading its results: a change under way (even in
            // plain SQL, which the trigger makes lock the enrolment) is committed and counted first.
            var current = line.enrolment
            if save, line.enrolment.status == .enrolled {
                guard let locked = try await work.enrolment(sessionID: session.id, traineeID: line.trainee.id) else { continue }
                current = locked
            }
            let rate = CompletionRule.attendanceRate(trainingDays: session.trainingDays, records: try await work.attendance(of: line.enrolment.id))
            let post = try await work.scores(of: line.enrolment.id)[.post]
            let shortfalls = CompletionRule.shortfalls(postScore: post, attendanceRate: rate, passMark: course.passMark, minAttendance: course.minAttendance)
            guard current.status == .enrolled else {
                let outcome: CompletionRule.Outcome = current.status == .completed ? .completed : .failed
                lines.append(
                    .init(
                        staffNumber: line.trainee.staffNumber, fullName: line.trainee.fullName, outcome: outcome, attendanceRate: rate, postScore: post,
                        shortfalls: outcome == .failed ? shortfalls : [], closedNow: false))
                continue
            }
            let outcome: CompletionRule.Outcome = shortfalls.isEmpty ? .completed : .failed
            var revoked: String?
            if save {
                _ = try await workflow.move(current, to: outcome.status, reason: nil, actor: actor, in: work)
                revoked = try await revokeUnlessCompleted(current, outcome: outcome, actor: actor, in: work)
            }
            lines.append(
                .init(
                    staffNumber: line.trainee.staffNumber, fullName: line.trainee.fullName, outcome: outcome, attendanceRate: rate, postScore: post,
                    shortfalls: shortfalls, closedNow: true, revokedCertificate: revoked))
        }
        let result = ClosedResults(sessionCode: session.code, passMark: course.passMark, minAttendance: course.minAttendance, lines: lines)
        let decided = lines.filter(\.closedNow)
        if save, !decided.isEmpty, session.status == .inProgress {
            // Every result decided: the session is over, and reads so ("completed", not "in progress").
            let before = session
            session.status = .completed
            try await work.updateSession(session)
            try await work.audit(AuditEntry(actor: actor, action: "session.update", entity: .session, entityID: session.code, before: before, after: session))
        }
        if save, !decided.isEmpty {
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "results.close", entity: .session, entityID: session.code,
                    after: [
                        "pass_mark": course.passMark, "min_attendance": course.minAttendance, "closed": decided.count,
                        "completed": decided.filter { $0.outcome == .completed }.count, "failed": decided.filter { $0.outcome == .failed }.count,
                        "revoked": decided.filter { $0.revokedCertificate != nil }.count,
                    ]))
        }
        return result
    }

    /// Rule 4: the valid certificate of an enrolment just closed as not completed is revoked, in
    /// the caller's transaction; returns its serial.
    func revokeUnlessCompleted(_ enrolment: Enrolment, outcome: CompletionRule.Outcome, actor: Actor, in work: any KalanUnitOfWork) async throws -> String? {
        guard outcome != .completed, let certificate = try await work.certificate(enrolmentID: enrolment.id), certificate.revokedAt == nil else { return nil }
        let reopened = try await work.history(of: enrolment.id).last { $0.to == .enrolled && ($0.from?.resultsClosed ?? false) }?.reason
        return try await CertificateIssuing.revoke(certificate, reason: Self.revocationReason(reopened: reopened), actor: actor, at: clock.now(), in: work).serial
    }

    /// The revocation reason when closing again does not complete a certificate holder: French
    /// and English, since the verification page shows it to anyone.
    /// An automatic revocation's reason, stored in both languages ("français / English"), in the
    /// reader's language alone; any other reason as it was written.
    public static func revocationReason(_ stored: String, in language: Language) -> String {
        guard stored.hasPrefix("Inscription non réussie à la clôture") || stored.hasPrefix("Résultats rouverts (« "),
            let split = stored.range(of: " / ", options: .backwards)
        else { return stored }
        return String(language == .fr ? stored[..<split.lowerBound] : stored[split.upperBound...])
    }

    static func revocationReason(reopened: String?) -> String {
        guard let reopened else {
            return "Inscription non réussie à la clôture des résultats / Enrolment not completed when results were closed"
        }
        return "Résultats rouverts (« \(reopened) ») puis recalculés : non réussi / Results reopened (“\(reopened)”) and recomputed: not completed"
    }

    /// HR or an admin reopens a session's results, with a reason (rule 4): every completed and
    /// failed line goes back to enrolled, the reason in each enrolment's history and in the audit
    /// log, so that attendance and scores can be corrected; `closeResults` then recomputes every
    /// outcome. Certificates stay valid until then: closing again revokes those whose line is
    /// no longer completed (so that a reopening to fix one line revokes nobody else's).
    @discardableResult
    public func reopenResults(sessionCode: String, reason: String, actor: Actor) async throws -> ReopenedResults {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let reason = reason.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            guard let found = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            let session = try await work.lockSession(id: found.id)
            var lines: [ReopenedResults.Line] = []
            for line in try await work.roster(sessionID: session.id) where line.enrolment.status.resultsClosed {
                guard let current = try await work.enrolment(sessionID: session.id, traineeID: line.trainee.id) else { continue }
                _ = try await workflow.move(current, to: .enrolled, reason: reason, actor: actor, in: work)
                let certificate = try await work.certificate(enrolmentID: current.id).flatMap { $0.revokedAt == nil ? $0.serial : nil }
                lines.append(
                    .init(staffNumber: line.trainee.staffNumber, fullName: line.trainee.fullName, previousStatus: current.status, certificate: certificate))
            }
            guard !lines.isEmpty else { throw KalanError.rule(.resultsNotClosed(session: session.code)) }
            if session.status == .completed {
                // Results open again: the session is back in progress until they are closed.
                var reopened = session
                reopened.status = .inProgress
                try await work.updateSession(reopened)
                try await work.audit(
                    AuditEntry(actor: actor, action: "session.update", entity: .session, entityID: session.code, before: session, after: reopened))
            }
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "results.reopen", entity: .session, entityID: session.code,
                    after: ["reason": reason, "enrolments": String(lines.count)]))
            return ReopenedResults(sessionCode: session.code, reason: reason, lines: lines)
        }
    }

    /// The API's roster: the session, its course's code and its lines, in one statement.
    public func rosterWithCourse(sessionCode: String, actor: Actor) async throws -> (session: TrainingSession, courseCode: String, lines: [RosterLine]) {
        guard let found = try await repository.statement({ try await $0.roster(sessionCode: sessionCode) }), actor.canSee(found.session) else {
            throw KalanError.notFound(.session, key: sessionCode)
        }
        return found
    }

    public func roster(sessionCode: String, actor: Actor) async throws -> (TrainingSession, [RosterLine]) {
        // Two reads, no write: no BEGIN and COMMIT around them (sessions are never deleted).
        try await repository.statement { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            return (session, try await work.roster(sessionID: session.id))
        }
    }
}
