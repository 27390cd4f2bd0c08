import Foundation

/// What a notice is about (sql/migrations/0016_notices.sql writes them with the decision).
public enum NoticeKind: String, Sendable, Codable, CaseIterable {
    case nominated, enrolled, waitlisted, promoted, rejected, withdrawn, passed, failed, certified, revoked
    case sessionChanged = "session_changed", sessionCancelled = "session_cancelled", reminder, roster
    case rosterChanged = "roster_changed"
    /// Cooperation (issue 27): written for the head and HR, not copies of a staff member's notice.
    case abroadOverdue = "abroad_overdue", offerReleased = "offer_released"
    /// Issue 31: a wallet offer's transaction code, to the holder only.
    case walletCode = "wallet_code"
    /// Issue 26: a staff member's sign-in code (no session), a declined application, the evaluation asked for.
    case signInCode = "sign_in_code", applicationDeclined = "application_declined", evaluationReminder = "evaluation_reminder"

    /// Notices addressed to a head in their own right (no "copy for" paragraph).
    public var addressesHead: Bool { self == .abroadOverdue || self == .offerReleased }
}

public enum NoticeRecipient: String, Sendable, Codable, CaseIterable {
    case trainee, head, trainer, hr
}

public enum NoticeChannel: String, Sendable, Codable, CaseIterable {
    case email, sms, none
}

/// pending → sending (claimed by a sender) → sent; failed once the give-up time has passed;
/// unreachable: the person has neither e-mail nor phone (listed for HR).
public enum NoticeStatus: String, Sendable, Codable, CaseIterable {
    case pending, sending, sent, failed, unreachable
}

/// The facts of the decision as they were when it was made: the row's words are drawn from them.
public struct NoticeFacts: Sendable, Codable, Hashable {
    public var staffNumber: String?
    public var givenName: String?
    public var familyName: String?
    public var session: String
    public var courseFR: String
    public var courseEN: String
    public var startsOn: Day
    public var endsOn: Day
    public var mode: String
    public var city: String?
    public var country: String?
    public var partner: String
    public var status: String?
    public var waitlistPosition: Int?
    /// The calendar invitation's SEQUENCE.
    public var sequence: Int
    /// The enrolment: the invitation's UID.
    public var enrolment: UUID?
    public var reason: String?
    public var serial: String?
    public var wasStartsOn: Day?
    public var wasEndsOn: Day?
    /// For a trainer's roster change: what happened to the line.
    public var change: String?
    /// For a trainer's roster: the names on it.
    public var roster: [String]?
    /// For an overdue file abroad: the day the person was expected back.
    public var dueOn: Day?
    /// For a released offer: its code and the places the department did not use.
    public var offer: String?
    public var places: Int?
    /// For a sign-in code: the code (the row forgets it once sent).
    public var code: String?

    enum CodingKeys: String, CodingKey {
        case staffNumber = "staff_number", givenName = "given_name", familyName = "family_name", session, courseFR = "course_fr"
        case courseEN = "course_en", startsOn = "starts_on", endsOn = "ends_on", mode, city, country, partner, status
        case waitlistPosition = "waitlist_position", sequence, enrolment, reason, serial, wasStartsOn = "was_starts_on"
        case wasEndsOn = "was_ends_on", change, roster, dueOn = "due_on", offer, places, code
    }

    public init(
        session: String, courseFR: String, courseEN: String, startsOn: Day, endsOn: Day, mode: String, city: String?, country: String?, partner: String,
        sequence: Int = 0
    ) {
        (self.session, self.courseFR, self.courseEN, self.startsOn, self.endsOn) = (session, courseFR, courseEN, startsOn, endsOn)
        (self.mode, self.city, self.country, self.partner, self.sequence) = (mode, city, country, partner, sequence)
    }

    public func course(_ language: Language) -> String { language == .fr ? courseFR : courseEN }
    public var personName: String { [givenName, familyName].compactMap { $0 }.joined(separator: " ") }
}

/// One line of the outbox.
public struct Notice: Sendable, Hashable {
    public var id: Int64
    public var kind: NoticeKind
    public var recipient: NoticeRecipient
    public var channel: NoticeChannel
    public var address: String?
    public var recipientName: String
    public var language: Language
    /// Nil only for a sign-in code.
    public var sessionID: UUID?
    public var enrolmentID: UUID?
    public var traineeID: UUID?
    public var facts: NoticeFacts
    public var status: NoticeStatus
    public var attempts: Int
    public var firstAttemptAt: Date?
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(
        id: Int64, kind: NoticeKind, recipient: NoticeRecipient, channel: NoticeChannel, address: String?, recipientName: String, language: Language,
        sessionID: UUID?, enrolmentID: UUID?, traineeID: UUID?, facts: NoticeFacts, status: NoticeStatus, attempts: Int, firstAttemptAt: Date? = nil, nextAttemptAt: Date,
        lastError: String?, createdAt: Date, sentAt: Date?
    ) {
        (self.id, self.kind, self.recipient, self.channel, self.address, self.recipientName) = (id, kind, recipient, channel, address, recipientName)
        (self.language, self.sessionID, self.enrolmentID, self.traineeID, self.facts) = (language, sessionID, enrolmentID, traineeID, facts)
        (self.status, self.attempts, self.firstAttemptAt, self.nextAttemptAt, self.lastError, self.createdAt, self.sentAt) = (
            status, attempts, firstAttemptAt, nextAttemptAt, lastError, createdAt, sentAt
        )
    }
}

/// Which notices to list: of a session, of a staff member, in a state; newest first.
public struct NoticeFilter: Sendable {
    public var sessionCode: String?
    public var staffNumber: String?
    public var status: NoticeStatus?
    public var limit: Int

    public init(sessionCode: String? = nil, staffNumber: String? = nil, status: NoticeStatus? = nil, limit: Int = 500) {
        (self.sessionCode, self.staffNumber, self.status, self.limit) = (sessionCode, staffNumber, status, limit)
    }
}

/// The head of a department, who gets a copy of the decisions about its staff.
public struct DepartmentContact: Sendable, Hashable {
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil) {
        (self.name, self.email, self.phone) = (name, email, phone)
    }
}

/// A staff member's notices: their language, or none.
public struct NoticePreferences: Sendable, Hashable {
    public var language: Language
    public var off: Bool

    public init(language: Language = .fr, off: Bool = false) {
        (self.language, self.off) = (language, off)
    }
}

/// The outbox in the database: claimed by senders so that no two send one notice, retried, given up.
public protocol NoticeOutbox: Sendable {
    /// Writes the reminders and rosters due two days before a first day (once each); returns how many.
    func scheduleReminders(today: Day) async throws -> Int
    /// Up to `limit` due notices on `channels` (pending, or claimed by a sender whose lease ran out),
    /// claimed until `now + lease` (FOR UPDATE SKIP LOCKED: two senders never claim the same one).
    func claim(limit: Int, channels: [NoticeChannel], now: Date, lease: TimeInterval) async throws -> [Notice]
    func markSent(id: Int64, at: Date) async throws
    /// Another try at `next`, keeping what went wrong.
    func reschedule(id: Int64, error: String, next: Date) async throws
    func markFailed(id: Int64, error: String) async throws
    func notices(_ filter: NoticeFilter) async throws -> [Notice]
    /// Sends failed (or sent) notices again: pending now, attempts from zero. Returns how many.
    func retry(ids: [Int64], now: Date) async throws -> Int
    func counts() async throws -> [NoticeStatus: Int]
    func departmentContact(code: String) async throws -> DepartmentContact?
    func setDepartmentContact(code: String, _ contact: DepartmentContact, actor: Actor) async throws
    func preferences(staffNumber: String) async throws -> NoticePreferences?
    func setPreferences(staffNumber: String, _ preferences: NoticePreferences, actor: Actor) async throws
}
