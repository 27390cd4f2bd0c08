import Foundation

/// Reading sessions and what hangs from them (course, roster details, certificates). A trainer
/// reads only the sessions they train: a session they do not train is "not found" to them.
public struct SessionQueries: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// A page of sessions and the courses they teach.
    public struct Page: Sendable {
        public var sessions: [TrainingSession]
        public var courses: [UUID: Course]
    }

    /// The sessions the filter selects among those the actor may see.
    public func list(_ filter: SessionFilter, actor: Actor) async throws -> Page {
        try actor.require(.sessions)
        var filter = filter
        if actor.role == .trainer { filter.trainerID = actor.userID ?? UUID() }
        let query = filter
        return try await repository.statement { work in
            let sessions = try await work.sessions(query)
            let courses = try await work.courses()
            return Page(sessions: sessions, courses: Dictionary(courses.map { ($0.id, $0) }) { first, _ in first })
        }
    }

    /// A session the actor may see, by its code.
    public func session(code: String, actor: Actor) async throws -> TrainingSession {
        guard let session = try await repository.statement({ try await $0.session(code: code) }), actor.canSee(session) else {
            throw KalanError.notFound(.session, key: code)
        }
        return session
    }

    /// The course a visible session teaches.
    public func course(of session: TrainingSession, actor: Actor) async throws -> Course? {
        guard actor.canSee(session) else { throw KalanError.notFound(.session, key: session.code) }
        return try await repository.statement { try await $0.course(id: session.courseID) }
    }

    /// A visible session's course and certificates (issued, revoked and superseded alike).
    public func certificates(of session: TrainingSession, actor: Actor) async throws -> (course: Course?, certificates: [Certificate]) {
        guard actor.canSee(session) else { throw KalanError.notFound(.session, key: session.code) }
        return try await repository.statement { work in (try await work.course(id: session.courseID), try await work.certificates(sessionID: session.id)) }
    }

    /// The serials of a session's certificates, for its archive.
    public func serials(sessionCode: String, actor: Actor) async throws -> [String] {
        try await repository.statement { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else { throw KalanError.notFound(.session, key: sessionCode) }
            return try await work.certificates(sessionID: session.id).map(\.serial)
        }
    }

    /// What a session's edit form shows: the session, its course and partner, and the accounts
    /// (to name its trainers). For those who keep the catalogue.
    public struct Editing: Sendable {
        public var session: TrainingSession
        public var course: Course?
        public var partner: Partner?
        public var users: [User]
    }

    public func editing(code: String, actor: Actor) async throws -> Editing {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.statement { work in
            guard let session = try await work.session(code: code) else { throw KalanError.notFound(.session, key: code) }
            return Editing(
                session: session, course: try await work.course(id: session.courseID), partner: try await work.partner(id: session.partnerID),
                users: try await work.users())
        }
    }

    /// What a roster page shows beside its lines: the course, each line's last event and count,
    /// one line's whole history when asked, and the certificates by enrolment.
    public struct RosterDetails: Sendable {
        public var course: Course?
        public var summaries: [UUID: EnrolmentEventSummary]
        public var history: [EnrolmentEvent]
        public var certificates: [UUID: Certificate]
    }

    public func rosterDetails(of session: TrainingSession, expanding enrolmentID: UUID?, actor: Actor) async throws -> RosterDetails {
        guard actor.canSee(session) else { throw KalanError.notFound(.session, key: session.code) }
        return try await repository.statement { work in
            let summaries = try await work.eventSummaries(sessionID: session.id)
            var history: [EnrolmentEvent] = []
            if let enrolmentID { history = try await work.history(of: enrolmentID) }
            let certificates = Dictionary(try await work.certificates(sessionID: session.id).map { ($0.enrolmentID, $0) }) { first, _ in first }
            return RosterDetails(course: try await work.course(id: session.courseID), summaries: summaries, history: history, certificates: certificates)
        }
    }
}
