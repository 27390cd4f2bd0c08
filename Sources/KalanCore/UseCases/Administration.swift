import Foundation

/// The administrator's changes to records that already exist: departments, partners, programmes,
/// courses and sessions (with their trainers). Same rights and checks as creating them (HR and
/// admins); every change is audited with its before and after.
extension Register {
    @discardableResult
    public func updateDepartment(code: String, nameFR: String, nameEN: String?, kind: String, parentCode: String?, actor: Actor) async throws -> Department {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let nameFR = try Validate.required(nameFR, field: "name_fr")
        let nameEN = try Validate.text(nameEN, field: "name_en", required: false) ?? nameFR
        let kind = try Validate.choice(kind, as: DepartmentKind.self, field: "kind")
        return try await repository.transaction { work in
            guard let before = try await work.department(code: code.normalisedText.uppercased()) else { throw KalanError.notFound(.department, key: code) }
            var department = before
            (department.nameFR, department.nameEN, department.kind, department.parentID) = (nameFR, nameEN, kind, nil)
            if let parentCode = parentCode?.nonEmptyNormalisedText {
                let all = try await work.departments()
                guard let parent = all.first(where: { $0.code == parentCode.uppercased() }) else {
                    throw KalanError.invalid(field: "parent", problem: .unknownReference(parentCode))
                }
                // The tree stays a tree: the new parent is not the department nor one of its descendants.
                let parents = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.parentID) })
                var cursor: UUID? = parent.id
                var steps = 0
                while let id = cursor, steps <= all.count {
                    if id == department.id { throw KalanError.invalid(field: "parent", problem: .cycle) }
                    cursor = parents[id] ?? nil
                    steps += 1
                }
                department.parentID = parent.id
            }
            try await work.updateDepartment(department)
            try await work.audit(AuditEntry(actor: actor, action: "department.update", entity: .department, entityID: department.code, before: before, after: department))
            return department
        }
    }

    @discardableResult
    public func updatePartner(code: String, name: String, kind: String, country: String, actor: Actor) async throws -> Partner {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let name = try Validate.required(name, field: "name")
        let kind = try Validate.choice(kind, as: PartnerKind.self, field: "kind")
        let country = try Validate.country(country)
        return try await repository.transaction { work in
            guard let before = try await work.partner(code: code.normalisedText.uppercased()) else { throw KalanError.notFound(.partner, key: code) }
            var partner = before
            (partner.name, partner.kind, partner.country) = (name, kind, country)
            try await work.updatePartner(partner)
            try await work.audit(AuditEntry(actor: actor, action: "partner.update", entity: .partner, entityID: partner.code, before: before, after: partner))
            return partner
        }
    }

    /// Changes a programme's names, period, domains, target and partners (its code stays).
    @discardableResult
    public func updateProgramme(_ input: ProgrammeInput, actor: Actor) async throws -> Programme {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let checked = try input.checkedProgramme(code: input.code)
        return try await repository.transaction { work in
            guard let before = try await work.programme(code: input.code.normalisedText.uppercased()) else {
                throw KalanError.notFound(.programme, key: input.code)
            }
            var programme = before
            (programme.nameFR, programme.nameEN, programme.startsOn, programme.endsOn) = (checked.nameFR, checked.nameEN, checked.startsOn, checked.endsOn)
            (programme.domains, programme.targetTrainees) = (checked.domains, checked.targetTrainees)
            programme.partnerIDs = try await input.partnerIDs(in: work)
            try await work.updateProgramme(programme)
            try await work.audit(AuditEntry(actor: actor, action: "programme.update", entity: .programme, entityID: programme.code, before: before, after: programme))
            return programme
        }
    }

    /// Changes a course's titles, domain, hours, rules, validity, modules and prerequisites (its
    /// code stays). A prerequisite that leads back to the course is refused.
    @discardableResult
    public func updateCourse(_ input: CourseInput, actor: Actor) async throws -> Course {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let checked = try input.checkedCourse(code: input.code)
        return try await repository.transaction { work in
            let all = try await work.courses()
            guard let before = all.first(where: { $0.code == input.code.normalisedText.uppercased() }) else {
                throw KalanError.notFound(.course, key: input.code)
            }
            var course = before
            (course.titleFR, course.titleEN, course.domain, course.hours) = (checked.titleFR, checked.titleEN, checked.domain, checked.hours)
            (course.passMark, course.minAttendance, course.validityMonths, course.modules) =
                (checked.passMark, checked.minAttendance, checked.validityMonths, checked.modules)
            course.programmeID = nil
            if let code = input.programmeCode?.nonEmptyNormalisedText {
                guard let programme = try await work.programme(code: code.uppercased()) else {
                    throw KalanError.invalid(field: "programme", problem: .unknownReference(code))
                }
                course.programmeID = programme.id
            }
            let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            course.prerequisiteIDs = []
            for code in input.prerequisiteCodes {
                guard let prerequisite = all.first(where: { $0.code == code.normalisedText.uppercased() }) else {
                    throw KalanError.invalid(field: "prerequisites", problem: .unknownReference(code))
                }
                if !course.prerequisiteIDs.contains(prerequisite.id) { course.prerequisiteIDs.append(prerequisite.id) }
            }
            // No course may require itself, directly or through its prerequisites.
            var seen = Set<UUID>()
            var queue = course.prerequisiteIDs
            while let next = queue.popLast() {
                if next == course.id { throw KalanError.invalid(field: "prerequisites", problem: .cycle) }
                if seen.insert(next).inserted { queue += byID[next]?.prerequisiteIDs ?? [] }
            }
            try await work.updateCourse(course)
            try await work.audit(AuditEntry(actor: actor, action: "course.update", entity: .course, entityID: course.code, before: before, after: course))
            return course
        }
    }

    /// What an edit of a session may change: the course, partner and code stay.
    public struct SessionChange: Sendable {
        public var startsOn, endsOn, mode: String
        public var city, country: String?
        public var capacity: Int
        public var enrolmentDeadline: String?
        public var status: String
        public init(startsOn: String, endsOn: String, mode: String, city: String?, country: String?, capacity: Int, enrolmentDeadline: String?, status: String) {
            (self.startsOn, self.endsOn, self.mode, self.city, self.country) = (startsOn, endsOn, mode, city, country)
            (self.capacity, self.enrolmentDeadline, self.status) = (capacity, enrolmentDeadline, status)
        }
    }

    /// The statuses an edit form offers for a session: its own and those it may move to (a
    /// cancellation goes through `cancelSession`, which needs a reason).
    public static func editableStatuses(from status: SessionStatus) -> [SessionStatus] {
        SessionStatus.allCases.filter { $0 == status || ($0 != .cancelled && status.canMove(to: $0)) }
    }

    /// Changes a session's dates, place, capacity, deadline and status (an allowed transition).
    /// Capacity cannot go below the seats taken; a larger one promotes the waitlist in order, in
    /// the same transaction. Dates change only before the session starts.
    @discardableResult
    public func updateSession(code: String, _ change: SessionChange, actor: Actor) async throws -> TrainingSession {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let start = try Validate.day(change.startsOn, field: "starts_on"), end = try Validate.day(change.endsOn, field: "ends_on")
        try Validate.period(start, end, endField: "ends_on", startField: "starts_on")
        let deadline = try change.enrolmentDeadline?.nonEmptyNormalisedText.map { try Validate.day($0, field: "enrolment_deadline") }
        if let deadline, deadline > end { throw KalanError.invalid(field: "enrolment_deadline", problem: .order(mustFollow: "ends_on")) }
        let mode = try Validate.choice(change.mode, as: DeliveryMode.self, field: "mode")
        let city = try Validate.text(change.city, field: "city", max: 100, required: mode != .online)
        let country = mode == .online && (change.country?.nonEmptyNormalisedText == nil) ? nil : try Validate.country(change.country)
        let capacity = try Validate.integer(change.capacity, field: "capacity", in: 1...10_000)
        let status = try Validate.choice(change.status.replacingOccurrences(of: "-", with: "_"), as: SessionStatus.self, field: "status")
        return try await repository.transaction { work in
            guard let found = try await work.session(code: code.normalisedText.uppercased()) else { throw KalanError.notFound(.session, key: code) }
            let before = try await work.lockSession(id: found.id)
            let allowed = Self.editableStatuses(from: before.status)
            guard allowed.contains(status) else {
                throw KalanError.invalid(field: "status", problem: .oneOf(allowed.map(\.rawValue)))
            }
            if start != before.startsOn || end != before.endsOn, ![.planned, .open].contains(before.status) {
                throw KalanError.invalid(field: start != before.startsOn ? "starts_on" : "ends_on", problem: .locked)
            }
            let taken = try await work.seatsTaken(sessionID: before.id)
            guard capacity >= taken else { throw KalanError.invalid(field: "capacity", problem: .range(min: max(1, taken), max: 10_000)) }
            var session = before
            (session.startsOn, session.endsOn, session.mode, session.city, session.country) = (start, end, mode, city, country)
            (session.capacity, session.enrolmentDeadline, session.status) = (capacity, deadline, status)
            try await work.updateSession(session)
            try await work.audit(AuditEntry(actor: actor, action: "session.update", entity: .session, entityID: session.code, before: before, after: session))
            if capacity > before.capacity {
                let workflow = EnrolmentWorkflow(repository: repository)
                for _ in 0..<(capacity - taken) {
                    let waiting = try await work.waitlist(sessionID: session.id)
                    if waiting.isEmpty { break }
                    try await workflow.promoteFromWaitlist(session: session, actor: actor, in: work)
                }
            }
            return session
        }
    }

    /// Cancels a planned, open or running session; the reason is kept in the audit log.
    @discardableResult
    public func cancelSession(code: String, reason: String, actor: Actor) async throws -> TrainingSession {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let reason = try Validate.text(reason, field: "reason", max: 500, required: false) else { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            guard let found = try await work.session(code: code.normalisedText.uppercased()) else { throw KalanError.notFound(.session, key: code) }
            var session = try await work.lockSession(id: found.id)
            guard session.status.canMove(to: .cancelled) else { throw KalanError.rule(.sessionTransition(from: session.status, to: .cancelled)) }
            let before = session
            session.status = .cancelled
            try await work.updateStatus(ofSession: session.id, to: .cancelled)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "session.cancel", entity: .session, entityID: session.code, before: ["status": before.status.rawValue],
                    after: ["status": session.status.rawValue, "reason": reason]))
            return session
        }
    }

    /// The trainer accounts that may train a session: active trainers of the session's partner.
    public func eligibleTrainers(sessionCode: String, actor: Actor) async throws -> [User] {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            return try await work.users().filter { $0.role == .trainer && $0.active && $0.partnerID == session.partnerID }
        }
    }

    /// Assigns a trainer of the session's partner institution to the session.
    public func assignTrainer(sessionCode: String, username: String, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let name = username.normalisedText.lowercased()
        guard !name.isEmpty else { throw KalanError.invalid(field: "trainer", problem: .required) }
        try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            let eligible = try await work.users().filter { $0.role == .trainer && $0.active && $0.partnerID == session.partnerID }
            guard let user = eligible.first(where: { $0.username == name }) else {
                throw KalanError.invalid(field: "trainer", problem: .oneOf(eligible.map(\.username)))
            }
            try await work.assignTrainer(userID: user.id, toSession: session.id)
            try await work.audit(AuditEntry(actor: actor, action: "session.assign-trainer", entity: .session, entityID: session.code, after: ["trainer": user.username]))
        }
    }

    public func removeTrainer(sessionCode: String, username: String, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            guard let user = try await work.user(username: username.normalisedText.lowercased()),
                try await work.removeTrainer(userID: user.id, fromSession: session.id)
            else { throw KalanError.invalid(field: "trainer", problem: .unknownReference(username)) }
            try await work.audit(AuditEntry(actor: actor, action: "session.remove-trainer", entity: .session, entityID: session.code, before: ["trainer": user.username]))
        }
    }
}

/// The audit log read back, for admins only.
public struct AuditLog: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    public func events(_ filter: AuditFilter, actor: Actor) async throws -> [AuditEvent] {
        guard actor.isAdmin else { throw KalanError.forbidden }
        var filter = filter
        filter.actor = try Validate.text(filter.actor, field: "who", max: 100, required: false)
        filter.action = try Validate.text(filter.action, field: "what", max: 100, required: false)
        filter.limit = min(max(filter.limit, 1), 500)
        let query = filter
        return try await repository.transaction { try await $0.auditEvents(query) }
    }
}

extension Accounts {
    /// Every signed-in person changes their own password: the current one first, the new one
    /// twice. A wrong current password is named beside its field; nothing changes then.
    ///
    /// The current password is checked as a login's is, and counted with the logins (same
    /// limits, from `address`): a stolen session cannot guess at it faster than at the login
    /// form, and more than 72 UTF-8 bytes (all bcrypt reads) is a wrong password. Once changed,
    /// the person's other web sessions and every API token of theirs end; the session whose
    /// secret is `keepingSession` (the one making the change) stays.
    public func changeOwnPassword(
        username: String, current: String, new: String, confirmation: String, keepingSession: String?, address: String, limits: LoginLimits = .init()
    ) async throws {
        guard !current.isEmpty else { throw KalanError.invalid(field: "current_password", problem: .required) }
        guard !current.hasControlCharacters else { throw KalanError.invalid(field: "current_password", problem: .controlCharacters) }
        do { try Self.check(password: new) } catch KalanError.invalid(_, let problem) {
            throw KalanError.invalid(field: "new_password", problem: problem)
        }
        guard new == confirmation else { throw KalanError.invalid(field: "confirm", problem: .mismatch) }
        let now = clock.now()
        guard let (user, attempt) = try await countedCheck(username: username, password: current, address: address, limits: limits, now: now) else {
            throw KalanError.invalid(field: "current_password", problem: .wrongPassword)
        }
        let hash = try await hasher.hash(new)
        let kept = keepingSession.map(Self.digest)
        try await repository.transaction { work in
            try await work.forgetLoginAttempt(id: attempt)
            try await work.setPassword(userID: user.id, hash: hash)
            let ended = try await work.endSessions(userID: user.id, keeping: kept, at: now)
            try await work.audit(
                AuditEntry(
                    actor: user.actor, action: "user.change-password", entity: .user, entityID: user.username,
                    after: ["web_sessions_ended": String(ended.webSessions), "tokens_revoked": String(ended.tokens)]))
        }
    }
}
