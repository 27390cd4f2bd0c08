import Foundation

/// A staff member signed in with a one-time code (issue 26): a person of the register, never an
/// account. It carries no role and is no `Actor`, so no use case of HR, trainers or admins can be
/// called with it; the staff member's own use cases take it and read only this person's records.
public struct StaffMember: Sendable, Hashable {
    public let traineeID: UUID
    public let staffNumber: String
    public let givenName: String
    public let familyName: String
    public let departmentID: UUID?
    public let category: String?

    public init(_ trainee: Trainee) {
        (traineeID, staffNumber, givenName, familyName) = (trainee.id, trainee.staffNumber, trainee.givenName, trainee.familyName)
        (departmentID, category) = (trainee.departmentID, trainee.category)
    }

    public var displayName: String { "\(givenName) \(familyName)" }

    /// Whether this person is the one a record is about: the one check every staff read makes.
    public func owns(traineeID id: UUID) -> Bool { id == traineeID }

    /// How the audit log names what the person did (`staff:<staff number>`). The actor exists only
    /// to write that line: its role is never consulted.
    var auditActor: Actor { Actor(name: "staff:\(staffNumber)", role: .viewer, source: "staff") }
}
