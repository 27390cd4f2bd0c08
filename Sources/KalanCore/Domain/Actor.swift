import Foundation

/// The four roles of DESIGN.md: admins do everything, HR runs the register and enrolment,
/// trainers record results for their own sessions, viewers read.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin, hr, trainer, viewer
}

/// Who is acting: a user (web or API) or an operator at the command line.
public struct Actor: Sendable, Hashable {
    /// What the audit log and enrolment history record: `user:<username>` or `cli:<os user>`.
    public let name: String
    public let role: Role
    public let userID: UUID?
    /// For trainers: the partner institution they belong to.
    public let partnerID: UUID?
    /// Where the request came from (IP address, `cli`).
    public let source: String?

    public init(name: String, role: Role, userID: UUID? = nil, partnerID: UUID? = nil, source: String? = nil) {
        self.name = name
        self.role = role
        self.userID = userID
        self.partnerID = partnerID
        self.source = source
    }

    /// The operator at the command line: an admin, recorded as `cli:<os user>`.
    public static func commandLine(user: String = ProcessInfo.processInfo.environment["USER"] ?? "unknown") -> Actor {
        Actor(name: "cli:\(user)", role: .admin, source: "cli")
    }

    public var isAdmin: Bool { role == .admin }
    public var managesRegister: Bool { role == .admin || role == .hr }
}
