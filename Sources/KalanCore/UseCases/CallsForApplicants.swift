import Foundation

/// Calls for applicants (issue 26): HR opens a session to applications (for some departments and
/// categories, until a closing date); a staff member applies with a short motivation and may
/// withdraw before the closing date; HR accepts (a nomination approved at once, under the rules of
/// every nomination: prerequisites, overlaps, capacity, waitlist) or declines (a notice says so).
public struct CallsForApplicants: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock = .system) {
        self.repository = repository
        self.clock = clock
    }

    static let motivationLimit = 1000

    /// A call as the staff member sees it: the session, and their application if any.
    public struct Offer: Sendable {
        public var call: ApplicationCall
        public var session: TrainingSession
        public var course: Course?
        public var partner: Partner?
        public var application: Application?
        /// Applying or withdrawing is still possible (on or before the closing date).
        public var open: Bool
    }

    // MARK: HR

    /// Opens `sessionCode` to applications until `closesOn` (on or after today, not after the first
    /// day), for these departments and categories (none: everyone). Opening it again changes the call.
    @discardableResult
    public func open(sessionCode: String, closesOn: String?, departmentCodes: [String], categories: [String], actor: Actor) async throws -> ApplicationCall {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let closes = try Validate.day(closesOn, field: "closes_on")
        let today = clock.today()
        let categories = try categories.map { $0.normalisedText.uppercased() }.filter { !$0.isEmpty }.map { category in
            guard TextPattern.isCategory(category) else { throw KalanError.invalid(field: "categories", problem: .format(.category)) }
            return category
        }
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode.uppercased()) else { throw KalanError.notFound(.session, key: sessionCode) }
            guard session.status == .planned || session.status == .open else {
                throw KalanError.rule(.sessionNotOpen(session: session.code, status: session.status))
            }
            guard closes >= today, closes < session.startsOn else {
                throw KalanError.invalid(field: "closes_on", problem: .format(.callClosing))
            }
            var departmentIDs: [UUID] = []
            for code in departmentCodes.map({ $0.normalisedText.uppercased() }).filter({ !$0.isEmpty }) {
                guard let department = try await work.department(code: code) else { throw KalanError.invalid(field: "departments", problem: .unknownReference(code)) }
                departmentIDs.append(department.id)
            }
            let call = ApplicationCall(
                sessionID: session.id, closesOn: closes, departmentIDs: Array(Set(departmentIDs)).sorted { $0.uuidString < $1.uuidString },
                categories: Array(Set(categories)).sorted(), openedBy: actor.name)
            try await work.saveCall(call)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "call.open", entity: .session, entityID: session.code,
                    after: ["closes_on": closes.description, "departments": departmentCodes.joined(separator: ","), "categories": call.categories.joined(separator: ",")]))
            return call
        }
    }

    /// A session's call and its applications with their people (HR and admins).
    public func applications(sessionCode: String, actor: Actor) async throws -> (session: TrainingSession, call: ApplicationCall?, lines: [(application: Application, trainee: Trainee)]) {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode.uppercased()) else { throw KalanError.notFound(.session, key: sessionCode) }
            return (session, try await work.call(sessionID: session.id), try await work.applications(sessionID: session.id))
        }
    }

    /// HR's decision on a submitted application. Accepting nominates and approves the person in
    /// the same transaction, under every rule of a nomination (its refusal keeps the application
    /// waiting); declining needs a reason and writes the person's notice.
    public func decide(sessionCode: String, staffNumber: String, accept: Bool, reason: String?, actor: Actor) async throws -> Application {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let reason = try Validate.text(reason, field: "reason", max: 500, required: !accept)
        let workflow = EnrolmentWorkflow(repository: repository, clock: clock)
        let now = clock.now()
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode.uppercased()) else { throw KalanError.notFound(.session, key: sessionCode) }
            guard let trainee = try await work.trainee(staffNumber: staffNumber),
                var application = try await work.applications(sessionID: session.id).first(where: { $0.trainee.id == trainee.id })?.application
            else { throw KalanError.notFound(.trainee, key: staffNumber) }
            guard application.status == .submitted else {
                throw KalanError.invalid(field: "decision", problem: .oneOf([ApplicationStatus.submitted.rawValue]))
            }
            var enrolmentID: UUID?
            if accept {
                let nominated = try await workflow.nominate(staffNumber: trainee.staffNumber, sessionCode: session.code, actor: actor, override: nil, in: work)
                let locked = try await work.lockSession(id: session.id)
                enrolmentID = try await workflow.approve(nominated, session: locked, trainee: trainee, actor: actor, in: work).id
            }
            application.status = accept ? .accepted : .declined
            application.reason = reason
            try await work.decide(applicationID: application.id, status: application.status, reason: reason, by: actor.name, at: now, enrolmentID: enrolmentID)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: accept ? "application.accept" : "application.decline", entity: .session, entityID: session.code,
                    after: ["staff_number": trainee.staffNumber, "reason": reason ?? ""]))
            return application
        }
    }

    // MARK: The staff member

    /// The calls open to this person today, and every call they applied to (whatever its state).
    public func offers(for member: StaffMember) async throws -> [Offer] {
        let today = clock.today()
        return try await repository.transaction { work in
            let mine = try await work.applications(traineeID: member.traineeID).filter { member.owns(traineeID: $0.traineeID) }
            var calls = try await work.openCalls(on: today).filter { $0.admits(member) }
            for application in mine where !calls.contains(where: { $0.sessionID == application.sessionID }) {
                if let call = try await work.call(sessionID: application.sessionID) { calls.append(call) }
            }
            var offers: [Offer] = []
            for call in calls {
                guard let session = try await work.session(id: call.sessionID) else { continue }
                offers.append(
                    Offer(
                        call: call, session: session, course: try await work.course(id: session.courseID), partner: try await work.partner(id: session.partnerID),
                        application: mine.first { $0.sessionID == call.sessionID }, open: today <= call.closesOn))
            }
            return offers
        }
    }

    public func apply(sessionCode: String, motivation: String, member: StaffMember) async throws {
        let text = try Validate.required(motivation, field: "motivation", max: Self.motivationLimit)
        let today = clock.today()
        try await repository.transaction { work in
            let (session, call) = try await Self.openCall(sessionCode, today: today, work: work)
            guard call.admits(member) else { throw KalanError.notFound(.session, key: sessionCode) }
            if try await work.applications(traineeID: member.traineeID).contains(where: { $0.sessionID == session.id }) {
                throw KalanError.duplicate(.application, key: session.code)
            }
            if let enrolment = try await work.enrolment(sessionID: session.id, traineeID: member.traineeID), !enrolment.status.isClosed {
                throw KalanError.rule(.alreadyInSession(staffNumber: member.staffNumber, session: session.code))
            }
            try await work.insert(application: Application(sessionID: session.id, traineeID: member.traineeID, motivation: text, appliedOn: today))
            try await work.audit(AuditEntry(actor: member.auditActor, action: "application.submit", entity: .session, entityID: session.code))
        }
    }

    public func withdraw(sessionCode: String, member: StaffMember) async throws {
        let today = clock.today()
        try await repository.transaction { work in
            let (session, _) = try await Self.openCall(sessionCode, today: today, work: work)
            guard let application = try await work.applications(traineeID: member.traineeID).first(where: { $0.sessionID == session.id }),
                member.owns(traineeID: application.traineeID)
            else { throw KalanError.notFound(.application, key: session.code) }
            guard application.status == .submitted else { throw KalanError.invalid(field: "decision", problem: .oneOf([ApplicationStatus.submitted.rawValue])) }
            try await work.withdraw(applicationID: application.id, on: today)
            try await work.audit(AuditEntry(actor: member.auditActor, action: "application.withdraw", entity: .session, entityID: session.code))
        }
    }

    /// The session's call while it is open (today on or before its closing date); else not found,
    /// or closed (named by the closing date's field).
    static func openCall(_ code: String, today: Day, work: any KalanUnitOfWork) async throws -> (TrainingSession, ApplicationCall) {
        guard let session = try await work.session(code: code.uppercased()), let call = try await work.call(sessionID: session.id) else {
            throw KalanError.notFound(.session, key: code)
        }
        guard today <= call.closesOn else { throw KalanError.invalid(field: "closes_on", problem: .format(.beforeClosing)) }
        return (session, call)
    }
}
