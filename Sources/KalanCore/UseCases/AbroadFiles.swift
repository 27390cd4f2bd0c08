import Foundation

/// Files of participants trained abroad (or in long trainings): HR and admins open and keep them;
/// everyone but trainers reads the lists (who is away, who returns this month, who is overdue).
public struct AbroadFiles: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock) {
        self.repository = repository
        self.clock = clock
    }

    public var today: Day { Day.of(clock.now()) }

    /// Opens a participant's file; the session must be held outside Mali or last more than
    /// `AbroadRule.longTrainingDays` days, the person must be on it.
    @discardableResult
    public func open(_ input: AbroadFileInput, actor: Actor) async throws -> AbroadFile {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let code = try Validate.code(input.sessionCode, field: "session", session: true)
        let staff = try Validate.required(input.staffNumber, field: "staff_number", max: 32)
        let number = try Validate.text(input.authorisationNumber, field: "authorisation_number", max: 60, required: false)
        let date = try input.authorisationDate?.nonEmptyNormalisedText.map { try Validate.day($0, field: "authorisation_date") }
        if number != nil, date == nil { throw KalanError.invalid(field: "authorisation_date", problem: .required) }
        if date != nil, number == nil { throw KalanError.invalid(field: "authorisation_number", problem: .required) }
        let departs = try Validate.day(input.departsOn, field: "departs_on")
        let returns = try Validate.day(input.returnsOn, field: "returns_on")
        try Validate.period(departs, returns, endField: "returns_on", startField: "departs_on")
        let funding = try Validate.choice(input.funding, as: AbroadFunding.self, field: "funding")
        let id = UUID()
        return try await repository.transaction { work in
            guard let session = try await work.session(code: code) else { throw KalanError.invalid(field: "session", problem: .unknownReference(code)) }
            guard AbroadRule.needsFiles(session) else { throw KalanError.invalid(field: "session", problem: .format(.abroadSession)) }
            guard let trainee = try await work.trainee(staffNumber: staff) else { throw KalanError.invalid(field: "staff_number", problem: .unknownReference(staff)) }
            guard let enrolment = try await work.enrolment(sessionID: session.id, traineeID: trainee.id),
                [.approved, .enrolled, .completed, .failed].contains(enrolment.status)
            else { throw KalanError.invalid(field: "staff_number", problem: .format(.participant)) }
            try await work.insertAbroadFile(
                id: id, enrolmentID: enrolment.id, authorisation: number.map { ($0, date!) }, departsOn: departs, returnsOn: returns, funding: funding)
            guard let file = try await work.abroadFile(id: id) else { throw KalanError.storageFailure("abroad file not read back") }
            try await work.audit(AuditEntry(actor: actor, action: "abroad.open", entity: .enrolment, entityID: "\(session.code)/\(trainee.staffNumber)", after: file))
            return file
        }
    }

    public func file(id: UUID, actor: Actor) async throws -> AbroadFile {
        try actor.require(.register)
        guard let file = try await repository.statement({ try await $0.abroadFile(id: id) }) else { throw KalanError.notFound(.enrolment, key: id.uuidString) }
        return file
    }

    /// One of the lists, for one department or all, on the clock's day.
    public func list(_ list: AbroadList, departmentCode: String?, actor: Actor) async throws -> [AbroadFile] {
        try actor.require(.register)
        let department = try departmentCode?.nonEmptyNormalisedText.map { try Validate.code($0, field: "department") }
        let day = today
        let files = try await repository.statement { try await $0.abroadFiles(departmentCode: department) }
        switch list {
        case .all: return files
        case .away: return files.filter { $0.isAway(on: day) }
        case .returning: return files.filter { $0.returnsInMonth(of: day) }
        case .overdue: return files.filter { $0.isOverdue(on: day) }
        }
    }

    /// Tells the head of each overdue person's department and HR, once per file and expected
    /// return (the notices' outbox sends it); returns how many notices were written.
    @discardableResult
    public func tellOverdue() async throws -> Int {
        let day = today
        return try await repository.transaction { try await $0.scheduleOverdueNotices(on: day) }
    }

    /// The day the person resumed duty (not before departure, not in the future).
    public func recordResumption(fileID: UUID, on text: String, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let day = try Validate.day(text, field: "resumed_on")
        guard day <= today else { throw KalanError.invalid(field: "resumed_on", problem: .format(.notInFuture)) }
        try await repository.transaction { work in
            guard let before = try await work.abroadFile(id: fileID) else { throw KalanError.notFound(.enrolment, key: fileID.uuidString) }
            guard day >= before.departsOn else { throw KalanError.invalid(field: "resumed_on", problem: .order(mustFollow: "departs_on")) }
            try await work.recordResumption(fileID: fileID, on: day)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "abroad.resumption", entity: .enrolment, entityID: "\(before.sessionCode)/\(before.staffNumber)", before: before,
                    after: ["resumedOn": "\(day)"]))
        }
    }

    /// Moves the expected return later, with its reason.
    public func extend(fileID: UUID, to text: String, reason: String, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let day = try Validate.day(text, field: "returns_on")
        let reason = try Validate.required(reason, field: "reason", max: 500)
        try await repository.transaction { work in
            guard let before = try await work.abroadFile(id: fileID) else { throw KalanError.notFound(.enrolment, key: fileID.uuidString) }
            guard day > before.dueOn else { throw KalanError.invalid(field: "returns_on", problem: .order(mustFollow: "due_on")) }
            try await work.addExtension(fileID: fileID, returnsOn: day, reason: reason, by: actor.name)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "abroad.extension", entity: .enrolment, entityID: "\(before.sessionCode)/\(before.staffNumber)",
                    after: ["returnsOn": "\(day)", "reason": reason]))
        }
    }

    public static let maxReportBytes = 10 * 1024 * 1024

    /// The end-of-mission report (a PDF or another document), replacing an earlier one.
    public func attachReport(fileID: UUID, name: String, data: Data, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard !data.isEmpty else { throw KalanError.invalid(field: "report", problem: .required) }
        guard data.count <= Self.maxReportBytes else { throw KalanError.tooLarge(maxBytes: Self.maxReportBytes) }
        let name = try Validate.required(name.split(separator: "/").last.map(String.init) ?? name, field: "report", max: 200)
        let at = clock.now()
        try await repository.transaction { work in
            guard let before = try await work.abroadFile(id: fileID) else { throw KalanError.notFound(.enrolment, key: fileID.uuidString) }
            try await work.attachReport(fileID: fileID, name: name, data: data, at: at)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "abroad.report", entity: .enrolment, entityID: "\(before.sessionCode)/\(before.staffNumber)",
                    after: ["report": name, "bytes": "\(data.count)"]))
        }
    }

    public func report(fileID: UUID, actor: Actor) async throws -> (name: String, data: Data) {
        try actor.require(.register)
        guard let report = try await repository.statement({ try await $0.abroadReport(fileID: fileID) }) else {
            throw KalanError.notFound(.enrolment, key: fileID.uuidString)
        }
        return report
    }
}
