import Foundation

/// A staff member's own trainings (issue 26): every enrolment of theirs with its session, status,
/// waitlist place, attendance and scores once results are closed, certificate, and whether they may
/// still say what the session was worth. Only the signed-in person's records: the trainee id comes
/// from the `StaffMember`, never from the request.
public struct MyTrainings: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
    }

    public struct Line: Sendable {
        public var session: TrainingSession
        public var course: Course?
        public var partner: Partner?
        public var enrolment: Enrolment
        /// Attendance (percent of the training days, excused days aside) and scores: once results are closed.
        public var attendanceRate: Double?
        public var preScore: Double?
        public var postScore: Double?
        public var certificate: Certificate?
        /// The person answered the session's evaluation.
        public var evaluated: Bool
        /// The person may answer it now (a participant, after the last day, not yet answered).
        public var mayEvaluate: Bool

        /// The convocation and the calendar invitation are for a seat held, before the session is over.
        public var hasConvocation: Bool { enrolment.status == .enrolled && session.status != .cancelled }
    }

    public func lines(for member: StaffMember) async throws -> [Line] {
        let today = clock.today()
        return try await repository.transaction { work in
            var lines: [Line] = []
            for enrolment in try await work.enrolments(traineeID: member.traineeID) where member.owns(traineeID: enrolment.traineeID) {
                guard let session = try await work.session(id: enrolment.sessionID) else { continue }
                lines.append(try await Self.line(enrolment, session: session, today: today, work: work))
            }
            return lines
        }
    }

    /// One of the person's trainings by its session code; not found when the person is not on it.
    public func line(sessionCode: String, for member: StaffMember) async throws -> Line {
        let today = clock.today()
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode.uppercased()),
                let enrolment = try await work.enrolment(sessionID: session.id, traineeID: member.traineeID),
                member.owns(traineeID: enrolment.traineeID)
            else { throw KalanError.notFound(.session, key: sessionCode) }
            return try await Self.line(enrolment, session: session, today: today, work: work)
        }
    }

    /// The certificate with this serial when the person holds it (issued to one of their
    /// enrolments); not found otherwise, whoever else holds it: the check before anything is done
    /// with a certificate for its holder (a wallet offer, issue 31).
    public func certificate(serial: String, for member: StaffMember) async throws -> Certificate {
        try await repository.transaction { work in
            guard let certificate = try await work.certificate(serial: serial.uppercased()),
                let enrolment = try await work.enrolment(id: certificate.enrolmentID), member.owns(traineeID: enrolment.traineeID)
            else { throw KalanError.notFound(.certificate, key: serial) }
            return certificate
        }
    }

    static func line(_ enrolment: Enrolment, session: TrainingSession, today: Day, work: any KalanUnitOfWork) async throws -> Line {
        let closed = enrolment.status.resultsClosed
        var rate: Double?
        var scores: [AssessmentKind: Double] = [:]
        if closed {
            rate = CompletionRule.attendanceRate(trainingDays: session.trainingDays, records: try await work.attendance(of: enrolment.id))
            scores = try await work.scores(of: enrolment.id)
        }
        let participant = [.enrolled, .completed, .failed].contains(enrolment.status) && session.status != .cancelled
        let evaluated = try await work.evaluationAnswered(enrolmentID: enrolment.id)
        return Line(
            session: session, course: try await work.course(id: session.courseID), partner: try await work.partner(id: session.partnerID),
            enrolment: enrolment, attendanceRate: rate, preScore: scores[.pre], postScore: scores[.post],
            certificate: try await work.certificate(enrolmentID: enrolment.id), evaluated: evaluated,
            mayEvaluate: participant && !evaluated && today > session.endsOn)
    }
}
