import Foundation

public enum EnrolmentStatus: String, Sendable, Codable, CaseIterable {
    case nominated, approved, enrolled, waitlisted, completed, failed, withdrawn, rejected
    case noShow = "no_show"

    /// nominated → approved → enrolled or waitlisted → completed or failed; withdrawn, rejected
    /// and no_show end it early; a closed enrolment may be nominated again. Completed and failed
    /// go back to enrolled only when HR or an admin reopens a session's results (rule 4).
    public func canMove(to next: EnrolmentStatus) -> Bool {
        switch (self, next) {
        case (.completed, .enrolled), (.failed, .enrolled): true
        case (.nominated, .approved), (.nominated, .rejected), (.nominated, .withdrawn): true
        case (.approved, .enrolled), (.approved, .waitlisted), (.approved, .rejected), (.approved, .withdrawn): true
        case (.waitlisted, .enrolled), (.waitlisted, .withdrawn): true
        case (.enrolled, .completed), (.enrolled, .failed), (.enrolled, .withdrawn), (.enrolled, .noShow): true
        case (.withdrawn, .nominated), (.rejected, .nominated), (.noShow, .nominated): true
        default: false
        }
    }

    /// Statuses that hold a seat in the session.
    public static let seatHolders: [EnrolmentStatus] = [.enrolled, .completed, .failed, .noShow]
    /// Statuses that are still running.
    public var isOpen: Bool { [.nominated, .approved, .enrolled, .waitlisted].contains(self) }
    public var isClosed: Bool { [.withdrawn, .rejected, .noShow].contains(self) }

    /// Off the roster (withdrawn, rejected): a session's page shows these lines on demand only, so
    /// that it does not grow with the session's history.
    public var hasLeftTheRoster: Bool { self == .withdrawn || self == .rejected }
}

/// A line's history in short: its last event and how many there are.
public struct EnrolmentEventSummary: Sendable, Hashable {
    public var last: EnrolmentEvent
    public var count: Int

    public init(last: EnrolmentEvent, count: Int) {
        self.last = last
        self.count = count
    }
}

/// A trainee in a session.
public struct Enrolment: Sendable, Codable, Hashable {
    public var id: UUID
    public var sessionID: UUID
    public var traineeID: UUID
    public var status: EnrolmentStatus
    public var waitlistPosition: Int?
    public var overrideReason: String?
    public var requestedAt: Date
    public var version: Int

    public init(
        id: UUID = UUID(), sessionID: UUID, traineeID: UUID, status: EnrolmentStatus, waitlistPosition: Int? = nil,
        overrideReason: String? = nil, requestedAt: Date, version: Int = 1
    ) {
        self.id = id
        self.sessionID = sessionID
        self.traineeID = traineeID
        self.status = status
        self.waitlistPosition = waitlistPosition
        self.overrideReason = overrideReason
        self.requestedAt = requestedAt
        self.version = version
    }
}

/// One step of an enrolment's history: who moved it, when and why.
public struct EnrolmentEvent: Sendable, Codable, Hashable {
    public var from: EnrolmentStatus?
    public var to: EnrolmentStatus
    public var actor: String
    public var reason: String?
    public var at: Date

    public init(from: EnrolmentStatus?, to: EnrolmentStatus, actor: String, reason: String?, at: Date) {
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

public enum AttendanceStatus: String, Sendable, Codable, CaseIterable {
    case present, absent, excused

    /// Reads present/absent/excused in French or English, or P/A/E.
    public init?(word: String) {
        switch word.normalisedText.lowercased() {
        case "present", "présent", "présente", "p", "1", "oui", "yes": self = .present
        case "absent", "absente", "a", "0", "non", "no": self = .absent
        case "excused", "excusé", "excusée", "excuse", "e": self = .excused
        default: return nil
        }
    }
}

public enum AssessmentKind: String, Sendable, Codable, CaseIterable {
    case pre, post
}
