import Foundation

/// A session opened to applications (issue 26): who may apply (departments, categories; none
/// listed: everyone) and until when.
public struct ApplicationCall: Sendable, Hashable {
    public var sessionID: UUID
    public var closesOn: Day
    public var departmentIDs: [UUID]
    public var categories: [String]
    public var openedBy: String

    public init(sessionID: UUID, closesOn: Day, departmentIDs: [UUID], categories: [String], openedBy: String) {
        (self.sessionID, self.closesOn, self.departmentIDs, self.categories, self.openedBy) = (sessionID, closesOn, departmentIDs, categories, openedBy)
    }

    /// Whether this person may apply: their department and category among those listed.
    public func admits(_ member: StaffMember) -> Bool {
        (departmentIDs.isEmpty || member.departmentID.map(departmentIDs.contains) == true)
            && (categories.isEmpty || member.category.map(categories.contains) == true)
    }
}

/// submitted → withdrawn (by the person, before the closing date) or accepted / declined (by HR).
public enum ApplicationStatus: String, Sendable, Codable, CaseIterable {
    case submitted, withdrawn, accepted, declined
}

/// A staff member's application to a call, with a short motivation.
public struct Application: Sendable, Hashable {
    public var id: UUID
    public var sessionID: UUID
    public var traineeID: UUID
    public var motivation: String
    public var status: ApplicationStatus
    public var appliedOn: Day
    public var reason: String?

    public init(id: UUID = UUID(), sessionID: UUID, traineeID: UUID, motivation: String, status: ApplicationStatus = .submitted, appliedOn: Day, reason: String? = nil) {
        (self.id, self.sessionID, self.traineeID, self.motivation, self.status, self.appliedOn, self.reason) = (
            id, sessionID, traineeID, motivation, status, appliedOn, reason
        )
    }
}

/// One person's anonymous answers on a session: four marks from 1 to 5 and an optional comment.
public struct EvaluationAnswers: Sendable, Hashable {
    public var content, trainer, organisation, usefulness: Int
    public var comment: String?

    public init(content: Int, trainer: Int, organisation: Int, usefulness: Int, comment: String?) {
        (self.content, self.trainer, self.organisation, self.usefulness, self.comment) = (content, trainer, organisation, usefulness, comment)
    }
}
