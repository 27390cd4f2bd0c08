import Foundation

/// Their say (issue 26): after a session's last day, each participant answers once (content,
/// trainer, organisation, use for their job, 1 to 5, and a comment), anonymously; HR and
/// leadership read the figures per session, course, partner and trainer, never for fewer than
/// `threshold` answers, beside completion and success. Trainers read none of it.
public struct SessionEvaluations: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    /// No figure and no comment for fewer answers than this: too few to hide who said what.
    public static let threshold = 3
    static let commentLimit = 1000

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
    }

    /// The four marks as typed in a form, and the comment.
    public struct Form: Sendable {
        public var content, trainer, organisation, usefulness, comment: String?
        public init(content: String?, trainer: String?, organisation: String?, usefulness: String?, comment: String?) {
            (self.content, self.trainer, self.organisation, self.usefulness, self.comment) = (content, trainer, organisation, usefulness, comment)
        }
    }

    static func mark(_ text: String?, field: String) throws -> Int {
        guard let text = text?.normalisedText, !text.isEmpty else { throw KalanError.invalid(field: field, problem: .required) }
        guard let value = Int(text), (1...5).contains(value) else { throw KalanError.invalid(field: field, problem: .format(.mark)) }
        return value
    }

    /// Keeps the person's answers on one of their sessions, once, after its last day.
    public func answer(sessionCode: String, form: Form, member: StaffMember) async throws {
        let answers = EvaluationAnswers(
            content: try Self.mark(form.content, field: "content"), trainer: try Self.mark(form.trainer, field: "trainer"),
            organisation: try Self.mark(form.organisation, field: "organisation"), usefulness: try Self.mark(form.usefulness, field: "usefulness"),
            comment: try Validate.text(form.comment, field: "comment", max: Self.commentLimit, required: false))
        let today = clock.today()
        try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode.uppercased()),
                let enrolment = try await work.enrolment(sessionID: session.id, traineeID: member.traineeID), member.owns(traineeID: enrolment.traineeID),
                [.enrolled, .completed, .failed].contains(enrolment.status), session.status != .cancelled
            else { throw KalanError.notFound(.session, key: sessionCode) }
            guard today > session.endsOn else { throw KalanError.invalid(field: "session", problem: .format(.afterLastDay)) }
            if try await work.evaluationAnswered(enrolmentID: enrolment.id) { throw KalanError.duplicate(.evaluation, key: session.code) }
            try await work.insertEvaluation(enrolmentID: enrolment.id, sessionID: session.id, answers: answers, on: today)
            // The audit says that someone answered, as the "answered" table does; never what.
            try await work.audit(AuditEntry(actor: member.auditActor, action: "evaluation.answer", entity: .session, entityID: session.code))
        }
    }

    /// One group's figures: nil means and no comment below the threshold.
    public struct Figures: Sendable {
        public var key: String
        public var labelFR, labelEN: String
        public var answers: Int
        public var content, trainer, organisation, usefulness: Double?
        public var participants, completed, failed: Int
        public var comments: [String]

        public func label(_ language: Language) -> String { language == .fr ? labelFR : labelEN }
        public var shown: Bool { answers >= SessionEvaluations.threshold }
        /// Completed of those who held a seat; passed of those with a result.
        public var completionRate: Double? { participants > 0 ? Double(completed + failed) / Double(participants) : nil }
        public var successRate: Double? { completed + failed > 0 ? Double(completed) / Double(completed + failed) : nil }
    }

    /// The figures per group of `dimension`, the largest first (HR, admins and viewers).
    public func figures(by dimension: EvaluationDimension, actor: Actor) async throws -> [Figures] {
        guard actor.role != .trainer else { throw KalanError.forbidden }
        let rows = try await repository.statement { try await $0.evaluationTotals(by: dimension) }
        return rows.map { row in
            let shown = row.answers >= Self.threshold
            func mean(_ sum: Int) -> Double? { shown ? Double(sum) / Double(row.answers) : nil }
            return Figures(
                key: row.key, labelFR: row.labelFR, labelEN: row.labelEN, answers: row.answers, content: mean(row.content), trainer: mean(row.trainer),
                organisation: mean(row.organisation), usefulness: mean(row.usefulness), participants: row.participants, completed: row.completed,
                failed: row.failed, comments: shown ? row.comments.sorted() : [])
        }
    }
}

/// How evaluation figures are grouped.
public enum EvaluationDimension: String, Sendable, CaseIterable {
    case session, course, partner, trainer
}

/// One group's evaluation totals as stored (sums, not means): the use case applies the threshold.
public struct EvaluationTotals: Sendable {
    public var key, labelFR, labelEN: String
    public var answers, content, trainer, organisation, usefulness: Int
    public var participants, completed, failed: Int
    public var comments: [String]

    public init(
        key: String, labelFR: String, labelEN: String, answers: Int, content: Int, trainer: Int, organisation: Int, usefulness: Int, participants: Int,
        completed: Int, failed: Int, comments: [String]
    ) {
        (self.key, self.labelFR, self.labelEN, self.answers) = (key, labelFR, labelEN, answers)
        (self.content, self.trainer, self.organisation, self.usefulness) = (content, trainer, organisation, usefulness)
        (self.participants, self.completed, self.failed, self.comments) = (participants, completed, failed, comments)
    }
}
