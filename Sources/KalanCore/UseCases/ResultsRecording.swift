import Foundation

/// What trainers record: attendance per day, pre/post-test scores, and the outcome (rule 4).
public struct ResultsRecording: Sendable {
    let repository: any KalanRepository
    let workflow: EnrolmentWorkflow

    public init(repository: any KalanRepository) {
        self.repository = repository
        self.workflow = EnrolmentWorkflow(repository: repository)
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

    /// Records marks for one session, all or none.
    public func recordAttendance(sessionCode: String, marks: [AttendanceMark], actor: Actor) async throws {
        try await repository.transaction { work in
            for mark in marks {
                let (session, _, enrolment) = try await workflow.locate(staffNumber: mark.staffNumber, sessionCode: sessionCode, actor: actor, in: work)
                guard actor.canRecord(for: session) else { throw KalanError.forbidden }
                guard session.trainingDays.contains(mark.day) || (session.startsOn...session.endsOn).contains(mark.day) else {
                    throw KalanError.rule(.dayOutsideSession(day: mark.day))
                }
                guard enrolment.status == .enrolled || enrolment.status == .completed || enrolment.status == .failed else {
                    throw KalanError.rule(.transition(from: enrolment.status, to: .enrolled))
                }
                try await work.record(attendance: mark.status, on: mark.day, for: enrolment.id, by: actor.name)
                try await work.audit(
                    AuditEntry(actor: actor, action: "attendance.record", entity: .enrolment, entityID: enrolment.id.uuidString,
                        after: ["day": mark.day.description, "status": mark.status.rawValue]))
            }
        }
    }

    public struct ScoreEntry: Sendable {
        public var staffNumber: String
        public var kind: AssessmentKind
        public var score: Double
        public init(staffNumber: String, kind: AssessmentKind, score: Double) {
            self.staffNumber = staffNumber
            self.kind = kind
            self.score = score
        }
    }

    public func recordScore(sessionCode: String, staffNumber: String, kind: AssessmentKind, score: Double, actor: Actor) async throws {
        try await recordScores(sessionCode: sessionCode, scores: [ScoreEntry(staffNumber: staffNumber, kind: kind, score: score)], actor: actor)
    }

    /// Records scores for one session, all or none.
    public func recordScores(sessionCode: String, scores: [ScoreEntry], actor: Actor) async throws {
        for entry in scores where !(entry.score.isFinite && (0...100).contains(entry.score)) {
            throw KalanError.invalid(field: scores.count == 1 ? "score" : "\(entry.kind.rawValue).\(entry.staffNumber)", problem: .range(min: 0, max: 100))
        }
        try await repository.transaction { work in
            for entry in scores {
                let (session, _, enrolment) = try await workflow.locate(staffNumber: entry.staffNumber, sessionCode: sessionCode, actor: actor, in: work)
                guard actor.canRecord(for: session) else { throw KalanError.forbidden }
                guard ![.nominated, .approved, .waitlisted, .rejected, .withdrawn].contains(enrolment.status) else {
                    throw KalanError.rule(.transition(from: enrolment.status, to: .enrolled))
                }
                let before = try await work.scores(of: enrolment.id)[entry.kind]
                try await work.record(score: entry.score, kind: entry.kind, for: enrolment.id, by: actor.name)
                try await work.audit(
                    AuditEntry(actor: actor, action: "assessment.\(entry.kind.rawValue)", entity: .enrolment, entityID: enrolment.id.uuidString,
                        before: before.map { ["score": $0] }, after: ["score": entry.score]))
            }
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
            return Completion(enrolment: done, attendanceRate: rate, postScore: post, overridden: override != nil)
        }
    }

    public func roster(sessionCode: String, actor: Actor) async throws -> (TrainingSession, [RosterLine]) {
        try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            return (session, try await work.roster(sessionID: session.id))
        }
    }
}
