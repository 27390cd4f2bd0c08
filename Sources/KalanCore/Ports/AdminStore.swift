import Foundation

/// Which audit events to read, newest first; nil means "any".
public struct AuditFilter: Sendable {
    /// Part of the actor (`user:admin`, `cli:…`), case-insensitive.
    public var actor: String?
    /// Part of the action (`session.`, `user.create`) or the record's key, case-insensitive.
    public var action: String?
    public var from: Date?
    public var to: Date?
    /// Events older than this one (keyset pagination by id).
    public var before: Int64?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil, before: Int64? = nil, limit: Int = 50) {
        (self.actor, self.action, self.from, self.to, self.before, self.limit) = (actor, action, from, to, before, limit)
    }
}

/// One line of the audit log as it is read back.
public struct AuditEvent: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var source: String?
    public var action: String
    public var entity: String
    public var entityID: String?
    public var before: String?
    public var after: String?

    public init(id: Int64, at: Date, actor: String, source: String?, action: String, entity: String, entityID: String?, before: String?, after: String?) {
        (self.id, self.at, self.actor, self.source, self.action) = (id, at, actor, source, action)
        (self.entity, self.entityID, self.before, self.after) = (entity, entityID, before, after)
    }
}

/// The changes an administrator makes to the organisation, the catalogue and sessions, and the
/// audit log read back.
public protocol AdminStore: Sendable {
    func updateDepartment(_ department: Department) async throws
    func updatePartner(_ partner: Partner) async throws
    /// Saves the programme's fields and replaces its partners.
    func updateProgramme(_ programme: Programme) async throws
    /// Saves the course's fields and replaces its modules and prerequisites.
    func updateCourse(_ course: Course) async throws
    /// Saves dates, place, capacity, deadline, status and programme; the session's enrolments
    /// take its new dates (their overlap constraint reads them).
    func updateSession(_ session: TrainingSession) async throws
    /// Removes a trainer from a session; false when they were not assigned.
    func removeTrainer(userID: UUID, fromSession id: UUID) async throws -> Bool
    func auditEvents(_ filter: AuditFilter) async throws -> [AuditEvent]
}
