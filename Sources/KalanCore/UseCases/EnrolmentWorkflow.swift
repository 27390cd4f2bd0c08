import Foundation

/// Nominating, approving, enrolling, rejecting and withdrawing staff (rules 1, 2, 3 and 7).
public struct EnrolmentWorkflow: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
    }

    /// When a change happens, for its enrolment and history.
    var now: Date { clock.now() }

    /// A trainee proposed for a session. `override` (admins only) lets a missing prerequisite or
    /// an overlap through, and is recorded as the reason.
    @discardableResult
    public func nominate(staffNumber: String, sessionCode: String, actor: Actor, override: String? = nil) async throws -> Enrolment {
        try await repository.transaction { work in
            try await nominate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, override: override, in: work)
        }
    }

    /// Approval gives a seat when one is free, else a place on the waitlist, in arrival order.
    @discardableResult
    public func approve(staffNumber: String, sessionCode: String, actor: Actor) async throws -> Enrolment {
        try await repository.transaction { work in
            let (session, trainee, enrolment) = try await locate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, in: work)
            return try await approve(enrolment, session: session, trainee: trainee, actor: actor, in: work)
        }
    }

    /// HR's one step: nominate and approve together. A new enrolment takes four statements (lock
    /// the session; read the trainee, prerequisites, overlaps and seats; write the enrolment with
    /// its history and audit rows), with the same checks, history and audit as the three steps.
    @discardableResult
    public func enrol(staffNumber: String, sessionCode: String, actor: Actor, override: String? = nil) async throws -> Enrolment {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let override = override?.nonEmptyNormalisedText
        if override != nil, !actor.isAdmin { throw KalanError.rule(.overrideNeedsAdmin) }
        return try await repository.transaction { work in
            guard let session = try await work.lockSession(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            guard let context = try await work.enrolmentContext(staffNumber: staffNumber, session: session) else {
                throw KalanError.notFound(.trainee, key: staffNumber)
            }
            let trainee = context.trainee
            guard trainee.active else { throw KalanError.rule(.inactiveTrainee(staffNumber: trainee.staffNumber)) }
            try checkOpenForEnrolment(session, actor: actor)
            if !context.missingPrerequisites.isEmpty, override == nil { throw KalanError.rule(.missingPrerequisites(courses: context.missingPrerequisites)) }
            if override == nil, let other = context.overlappingSession { throw KalanError.rule(.overlappingSession(session: other)) }
            if context.existing != nil {
                // A closed enrolment nominated again: the step-by-step path, which updates the row.
                let nominated = try await nominate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, override: override, in: work)
                return try await approve(nominated, session: session, trainee: trainee, actor: actor, in: work)
            }
            let nominated = Enrolment(sessionID: session.id, traineeID: trainee.id, status: .nominated, overrideReason: override, requestedAt: now)
            var approved = nominated
            approved.status = .approved
            approved.version += 1
            var final = approved
            final.version += 1
            if context.seatsTaken < session.capacity {
                final.status = .enrolled
            } else {
                final.status = .waitlisted
                final.waitlistPosition = context.lastWaitlistPosition + 1
            }
            let id = nominated.id.uuidString
            try await work.insert(
                final, period: session.startsOn...session.endsOn,
                events: [
                    EnrolmentEvent(from: nil, to: .nominated, actor: actor.name, reason: override, at: now),
                    EnrolmentEvent(from: .nominated, to: .approved, actor: actor.name, reason: nil, at: now),
                    EnrolmentEvent(from: .approved, to: final.status, actor: actor.name, reason: nil, at: now),
                ],
                audits: [
                    AuditEntry(actor: actor, action: "enrolment.nominate", entity: .enrolment, entityID: id, after: nominated),
                    AuditEntry(actor: actor, action: "enrolment.approved", entity: .enrolment, entityID: id, before: nominated, after: approved),
                    AuditEntry(actor: actor, action: "enrolment.\(final.status.rawValue)", entity: .enrolment, entityID: id, before: approved, after: final),
                ])
            return final
        }
    }

    @discardableResult
    public func reject(staffNumber: String, sessionCode: String, reason: String, actor: Actor) async throws -> Enrolment {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let reason = reason.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            let (_, _, enrolment) = try await locate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, in: work)
            return try await move(enrolment, to: .rejected, reason: reason, actor: actor, in: work)
        }
    }

    /// Withdrawing a seat holder promotes the first on the waitlist in the same transaction.
    @discardableResult
    public func withdraw(staffNumber: String, sessionCode: String, reason: String?, actor: Actor) async throws -> Enrolment {
        try await withdrawal(staffNumber: staffNumber, sessionCode: sessionCode, reason: reason, actor: actor).withdrawn
    }

    /// What a withdrawal did: the line withdrawn, and the one promoted from the waitlist to its seat.
    public struct Withdrawal: Sendable {
        public var withdrawn: Enrolment
        public var promoted: Enrolment?
    }

    public func withdrawal(staffNumber: String, sessionCode: String, reason: String?, actor: Actor) async throws -> Withdrawal {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            let (session, _, enrolment) = try await locate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, in: work)
            let heldSeat = enrolment.status == .enrolled
            let leftWaitlist = enrolment.waitlistPosition
            let withdrawn = try await move(enrolment, to: .withdrawn, reason: reason?.nonEmptyNormalisedText, actor: actor, in: work)
            var promoted: Enrolment?
            if heldSeat {
                promoted = try await promoteFromWaitlist(session: session, actor: actor, in: work)
            } else if leftWaitlist != nil {
                try await renumberWaitlist(sessionID: session.id, in: work)
            }
            return Withdrawal(withdrawn: withdrawn, promoted: promoted)
        }
    }

    public func history(staffNumber: String, sessionCode: String, actor: Actor) async throws -> [EnrolmentEvent] {
        try await repository.transaction { work in
            let (_, _, enrolment) = try await locate(staffNumber: staffNumber, sessionCode: sessionCode, actor: actor, readOnly: true, in: work)
            return try await work.history(of: enrolment.id)
        }
    }

    // MARK: - Steps shared by the use cases

    func nominate(staffNumber: String, sessionCode: String, actor: Actor, override: String?, in work: any KalanUnitOfWork) async throws -> Enrolment {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let override = override?.nonEmptyNormalisedText
        if override != nil, !actor.isAdmin { throw KalanError.rule(.overrideNeedsAdmin) }
        guard let found = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
        let session = try await work.lockSession(id: found.id)
        guard let trainee = try await work.trainee(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
        guard trainee.active else { throw KalanError.rule(.inactiveTrainee(staffNumber: trainee.staffNumber)) }
        try checkOpenForEnrolment(session, actor: actor)

        guard let course = try await work.course(id: session.courseID) else { throw KalanError.notFound(.course, key: session.courseID.uuidString) }
        let completed = try await work.completedCourseIDs(traineeID: trainee.id)
        let missing = course.prerequisiteIDs.filter { !completed.contains($0) }
        if !missing.isEmpty, override == nil {
            var codes: [String] = []
            for id in missing { codes.append(try await work.course(id: id)?.code ?? id.uuidString) }
            throw KalanError.rule(.missingPrerequisites(courses: codes.sorted()))
        }
        if override == nil,
            let other = try await work.overlappingSessionCode(traineeID: trainee.id, startsOn: session.startsOn, endsOn: session.endsOn, excluding: session.id)
        {
            throw KalanError.rule(.overlappingSession(session: other))
        }

        if var existing = try await work.enrolment(sessionID: session.id, traineeID: trainee.id) {
            guard existing.status.isClosed else {
                throw KalanError.rule(.alreadyInSession(staffNumber: trainee.staffNumber, session: session.code))
            }
            existing.overrideReason = override
            return try await move(existing, to: .nominated, reason: override, actor: actor, in: work)
        }
        let enrolment = Enrolment(sessionID: session.id, traineeID: trainee.id, status: .nominated, overrideReason: override, requestedAt: now)
        try await work.insert(enrolment, period: session.startsOn...session.endsOn)
        try await work.append(EnrolmentEvent(from: nil, to: .nominated, actor: actor.name, reason: override, at: now), to: enrolment.id)
        try await work.audit(AuditEntry(actor: actor, action: "enrolment.nominate", entity: .enrolment, entityID: enrolment.id.uuidString, after: enrolment))
        return enrolment
    }

    func approve(_ enrolment: Enrolment, session: TrainingSession, trainee: Trainee, actor: Actor, in work: any KalanUnitOfWork) async throws -> Enrolment {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard trainee.active else { throw KalanError.rule(.inactiveTrainee(staffNumber: trainee.staffNumber)) }
        try checkOpenForEnrolment(session, actor: actor)
        let approved = try await move(enrolment, to: .approved, reason: nil, actor: actor, in: work)
        let taken = try await work.seatsTaken(sessionID: session.id)
        if taken < session.capacity {
            return try await move(approved, to: .enrolled, reason: nil, actor: actor, in: work)
        }
        let position = try await work.lastWaitlistPosition(sessionID: session.id) + 1
        return try await move(approved, to: .waitlisted, reason: nil, actor: actor, waitlistPosition: position, in: work)
    }

    @discardableResult
    func promoteFromWaitlist(session: TrainingSession, actor: Actor, in work: any KalanUnitOfWork) async throws -> Enrolment? {
        let taken = try await work.seatsTaken(sessionID: session.id)
        guard taken < session.capacity, let first = try await work.waitlist(sessionID: session.id).first else { return nil }
        let promoted = try await move(first, to: .enrolled, reason: "promotion", actor: actor, in: work)
        try await renumberWaitlist(sessionID: session.id, in: work)
        return promoted
    }

    /// Keeps waitlist positions 1…n in arrival order after someone leaves it.
    func renumberWaitlist(sessionID: UUID, in work: any KalanUnitOfWork) async throws {
        for (index, var waiting) in try await work.waitlist(sessionID: sessionID).enumerated() where waiting.waitlistPosition != index + 1 {
            waiting.waitlistPosition = index + 1
            try await work.update(waiting)
        }
    }

    func checkOpenForEnrolment(_ session: TrainingSession, actor: Actor) throws {
        switch session.status {
        case .planned, .open: break
        case .inProgress where actor.isAdmin: break
        default: throw KalanError.rule(.sessionNotOpen(session: session.code, status: session.status))
        }
        guard !actor.isAdmin else { return }
        let day = clock.today()
        if day >= session.startsOn || (session.enrolmentDeadline.map { day > $0 } ?? false) {
            throw KalanError.rule(.enrolmentClosed(session: session.code))
        }
    }

    /// Moves an enrolment one step, recording the step in its history and in the audit log.
    func move(
        _ enrolment: Enrolment, to status: EnrolmentStatus, reason: String?, actor: Actor, waitlistPosition: Int? = nil,
        in work: any KalanUnitOfWork
    ) async throws -> Enrolment {
        guard enrolment.status.canMove(to: status) else { throw KalanError.rule(.transition(from: enrolment.status, to: status)) }
        var next = enrolment
        next.status = status
        next.waitlistPosition = status == .waitlisted ? waitlistPosition : nil
        try await work.update(next)
        next.version += 1
        try await work.append(EnrolmentEvent(from: enrolment.status, to: status, actor: actor.name, reason: reason, at: now), to: enrolment.id)
        try await work.audit(
            AuditEntry(actor: actor, action: "enrolment.\(status.rawValue)", entity: .enrolment, entityID: enrolment.id.uuidString, before: enrolment, after: next))
        return next
    }

    /// The session, trainee and enrolment named by a staff number and a session code.
    func locate(
        staffNumber: String, sessionCode: String, actor: Actor, readOnly: Bool = false, in work: any KalanUnitOfWork
    ) async throws -> (TrainingSession, Trainee, Enrolment) {
        guard let found = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
        guard actor.canSee(found) else { throw KalanError.notFound(.session, key: sessionCode) }
        if !readOnly, !actor.managesRegister, !(actor.role == .trainer) { throw KalanError.forbidden }
        let session = readOnly ? found : try await work.lockSession(id: found.id)
        guard let trainee = try await work.trainee(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
        guard let enrolment = try await work.enrolment(sessionID: session.id, traineeID: trainee.id) else {
            throw KalanError.notFound(.enrolment, key: "\(staffNumber) / \(sessionCode)")
        }
        return (session, trainee, enrolment)
    }
}

extension Actor {
    /// Rule 6: trainers see only the sessions they are assigned to.
    public func canSee(_ session: TrainingSession) -> Bool {
        role != .trainer || (userID.map { session.trainerIDs.contains($0) } ?? false)
    }

    /// Who may record attendance, scores and outcomes for a session.
    public func canRecord(for session: TrainingSession) -> Bool {
        managesRegister || (role == .trainer && canSee(session))
    }
}
