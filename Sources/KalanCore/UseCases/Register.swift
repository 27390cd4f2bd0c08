import Foundation

/// Keeping the register and the catalogue: departments, partners, programmes, courses,
/// sessions and staff. Only HR and admins change them; every change is audited.
public struct Register: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    @discardableResult
    public func addDepartment(code: String, nameFR: String, nameEN: String?, kind: String, parentCode: String?, actor: Actor) async throws -> Department {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let code = try Validate.code(code)
        let nameFR = try Validate.required(nameFR, field: "name_fr")
        let nameEN = try Validate.text(nameEN, field: "name_en", required: false) ?? nameFR
        let kind = try Validate.choice(kind, as: DepartmentKind.self, field: "kind")
        return try await repository.transaction { work in
            if try await work.department(code: code) != nil { throw KalanError.duplicate(.department, key: code) }
            var parentID: UUID?
            if let parentCode = parentCode?.nonEmptyNormalisedText {
                guard let parent = try await work.department(code: parentCode.uppercased()) else {
                    throw KalanError.invalid(field: "parent", problem: .unknownReference(parentCode))
                }
                parentID = parent.id
            }
            let department = Department(code: code, nameFR: nameFR, nameEN: nameEN, kind: kind, parentID: parentID)
            try await work.insert(department)
            try await work.audit(AuditEntry(actor: actor, action: "department.create", entity: .department, entityID: code, after: department))
            return department
        }
    }

    @discardableResult
    public func addPartner(code: String, name: String, kind: String, country: String, actor: Actor) async throws -> Partner {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let partner = Partner(
            code: try Validate.code(code), name: try Validate.required(name, field: "name"),
            kind: try Validate.choice(kind, as: PartnerKind.self, field: "kind"), country: try Validate.country(country))
        return try await repository.transaction { work in
            if try await work.partner(code: partner.code) != nil { throw KalanError.duplicate(.partner, key: partner.code) }
            try await work.insert(partner)
            try await work.audit(AuditEntry(actor: actor, action: "partner.create", entity: .partner, entityID: partner.code, after: partner))
            return partner
        }
    }

    public struct ProgrammeInput: Sendable {
        public var code, nameFR: String
        public var nameEN: String?
        public var startsOn, endsOn: String
        public var domains: [String]
        public var targetTrainees: Int
        public var partnerCodes: [String]
        public init(code: String, nameFR: String, nameEN: String?, startsOn: String, endsOn: String, domains: [String], targetTrainees: Int, partnerCodes: [String]) {
            (self.code, self.nameFR, self.nameEN, self.startsOn, self.endsOn) = (code, nameFR, nameEN, startsOn, endsOn)
            (self.domains, self.targetTrainees, self.partnerCodes) = (domains, targetTrainees, partnerCodes)
        }
    }

    @discardableResult
    public func addProgramme(_ input: ProgrammeInput, actor: Actor) async throws -> Programme {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let draft = try input.checkedProgramme(code: try Validate.code(input.code))
        return try await repository.transaction { work in
            var programme = draft
            if try await work.programme(code: programme.code) != nil { throw KalanError.duplicate(.programme, key: programme.code) }
            programme.partnerIDs = try await input.partnerIDs(in: work)
            try await work.insert(programme)
            try await work.audit(AuditEntry(actor: actor, action: "programme.create", entity: .programme, entityID: programme.code, after: programme))
            return programme
        }
    }

    public struct CourseInput: Sendable {
        public var code, titleFR, titleEN, domain: String
        public var hours, passMark, minAttendance: Int
        public var validityMonths: Int?
        public var programmeCode: String?
        public var modules: [CourseModule]
        public var prerequisiteCodes: [String]
        public init(
            code: String, titleFR: String, titleEN: String, domain: String, hours: Int, passMark: Int = 50, minAttendance: Int = 80,
            validityMonths: Int? = nil, programmeCode: String? = nil, modules: [CourseModule] = [], prerequisiteCodes: [String] = []
        ) {
            (self.code, self.titleFR, self.titleEN, self.domain, self.hours) = (code, titleFR, titleEN, domain, hours)
            (self.passMark, self.minAttendance, self.validityMonths, self.programmeCode) = (passMark, minAttendance, validityMonths, programmeCode)
            (self.modules, self.prerequisiteCodes) = (modules, prerequisiteCodes)
        }
    }

    @discardableResult
    public func addCourse(_ input: CourseInput, actor: Actor) async throws -> Course {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let draft = try input.checkedCourse(code: try Validate.code(input.code))
        return try await repository.transaction { work in
            var course = draft
            if try await work.course(code: course.code) != nil { throw KalanError.duplicate(.course, key: course.code) }
            if let code = input.programmeCode?.nonEmptyNormalisedText {
                guard let programme = try await work.programme(code: code.uppercased()) else {
                    throw KalanError.invalid(field: "programme", problem: .unknownReference(code))
                }
                course.programmeID = programme.id
            }
            for code in input.prerequisiteCodes {
                guard let prerequisite = try await work.course(code: code.normalisedText.uppercased()) else {
                    throw KalanError.invalid(field: "prerequisites", problem: .unknownReference(code))
                }
                course.prerequisiteIDs.append(prerequisite.id)
            }
            try await work.insert(course)
            try await work.audit(AuditEntry(actor: actor, action: "course.create", entity: .course, entityID: course.code, after: course))
            return course
        }
    }

    public struct SessionInput: Sendable {
        public var code, courseCode, partnerCode: String
        public var programmeCode: String?
        public var startsOn, endsOn: String
        public var mode: String
        public var city, country: String?
        public var capacity: Int
        public var enrolmentDeadline: String?
        public var status: String
        public init(
            code: String, courseCode: String, partnerCode: String, programmeCode: String? = nil, startsOn: String, endsOn: String,
            mode: String, city: String? = nil, country: String? = nil, capacity: Int, enrolmentDeadline: String? = nil, status: String = "planned"
        ) {
            (self.code, self.courseCode, self.partnerCode, self.programmeCode) = (code, courseCode, partnerCode, programmeCode)
            (self.startsOn, self.endsOn, self.mode, self.city, self.country) = (startsOn, endsOn, mode, city, country)
            (self.capacity, self.enrolmentDeadline, self.status) = (capacity, enrolmentDeadline, status)
        }
    }

    @discardableResult
    public func addSession(_ input: SessionInput, actor: Actor) async throws -> TrainingSession {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let start = try Validate.day(input.startsOn, field: "starts_on"), end = try Validate.day(input.endsOn, field: "ends_on")
        try Validate.period(start, end, endField: "ends_on", startField: "starts_on")
        let deadline = try input.enrolmentDeadline?.nonEmptyNormalisedText.map { try Validate.day($0, field: "enrolment_deadline") }
        if let deadline, deadline > end { throw KalanError.invalid(field: "enrolment_deadline", problem: .format(.notAfterEnd)) }
        let mode = try Validate.choice(input.mode, as: DeliveryMode.self, field: "mode")
        let city = try Validate.text(input.city, field: "city", max: 100, required: mode != .online)
        let country = mode == .online && (input.country?.nonEmptyNormalisedText == nil) ? nil : try Validate.country(input.country)
        let code = try Validate.code(input.code, session: true)
        let capacity = try Validate.integer(input.capacity, field: "capacity", in: 1...10_000)
        let status = try Validate.choice(input.status.replacingOccurrences(of: "-", with: "_"), as: SessionStatus.self, field: "status")
        return try await repository.transaction { work in
            if try await work.session(code: code) != nil { throw KalanError.duplicate(.session, key: code) }
            guard let course = try await work.course(code: input.courseCode.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "course", problem: .unknownReference(input.courseCode))
            }
            guard let partner = try await work.partner(code: input.partnerCode.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "partner", problem: .unknownReference(input.partnerCode))
            }
            var programmeID: UUID? = course.programmeID
            if let programmeCode = input.programmeCode?.nonEmptyNormalisedText {
                guard let programme = try await work.programme(code: programmeCode.uppercased()) else {
                    throw KalanError.invalid(field: "programme", problem: .unknownReference(programmeCode))
                }
                programmeID = programme.id
            }
            let session = TrainingSession(
                code: code, courseID: course.id, partnerID: partner.id, programmeID: programmeID, startsOn: start, endsOn: end, mode: mode,
                city: city, country: country, capacity: capacity, enrolmentDeadline: deadline, status: status)
            try await work.insert(session)
            try await work.audit(AuditEntry(actor: actor, action: "session.create", entity: .session, entityID: code, after: session))
            return session
        }
    }

    /// planned → open → in_progress → completed, or cancelled.
    @discardableResult
    public func moveSession(code: String, to status: SessionStatus, actor: Actor) async throws -> TrainingSession {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let found = try await work.session(code: code) else { throw KalanError.notFound(.session, key: code) }
            var session = try await work.lockSession(id: found.id)
            guard session.status.canMove(to: status) else { throw KalanError.rule(.sessionTransition(from: session.status, to: status)) }
            let before = session
            session.status = status
            try await work.updateStatus(ofSession: session.id, to: status)
            try await work.audit(AuditEntry(actor: actor, action: "session.status", entity: .session, entityID: code, before: before, after: session))
            return session
        }
    }
}

extension Register.CourseInput {
    /// The course this input describes, every field checked (the code as given: a new course's
    /// code is checked by the caller, an edited course keeps its own).
    func checkedCourse(code: String) throws -> Course {
        Course(
            code: code, titleFR: try Validate.required(titleFR, field: "title_fr"),
            titleEN: try Validate.required(titleEN, field: "title_en"), domain: try Validate.domain(domain),
            hours: try Validate.integer(hours, field: "hours", in: 1...2000),
            passMark: try Validate.integer(passMark, field: "pass_mark", in: 0...100),
            minAttendance: try Validate.integer(minAttendance, field: "min_attendance", in: 0...100),
            validityMonths: try validityMonths.map { try Validate.integer($0, field: "validity_months", in: 1...600) },
            modules: try modules.enumerated().map { index, module in
                CourseModule(
                    titleFR: try Validate.required(module.titleFR, field: "modules[\(index + 1)].title_fr"),
                    titleEN: try Validate.required(module.titleEN, field: "modules[\(index + 1)].title_en"),
                    hours: try Validate.integer(module.hours, field: "modules[\(index + 1)].hours", in: 0...2000))
            })
    }
}
