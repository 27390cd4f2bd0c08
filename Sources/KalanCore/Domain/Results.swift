import Foundation

/// One day's attendance of a session as it is saved (rule 4): what a sheet shows and the version
/// it was read at. A save that carries this version is refused when marks it would overwrite
/// changed since (`KalanError.attendanceChanged`).
public struct AttendanceSheet: Sendable, Codable, Hashable {
    public var session: TrainingSession
    public var day: Day
    /// Every seat holder whose results are recorded (enrolled, completed, failed), by name.
    public var lines: [Line]
    /// Training days of the session where some enrolled line has no mark yet, in order.
    public var unmarkedDays: [Day]
    /// Opaque: give it back to `recordAttendance(…expectedVersion:)` (the API's ETag / If-Match).
    public var version: String

    public struct Line: Sendable, Codable, Hashable {
        public var staffNumber: String
        public var fullName: String
        public var enrolmentStatus: EnrolmentStatus
        /// The mark saved for the day; nil when the line is not marked yet.
        public var status: AttendanceStatus?
        /// Completed or failed: the results are closed and the mark cannot change.
        public var closed: Bool

        public init(staffNumber: String, fullName: String, enrolmentStatus: EnrolmentStatus, status: AttendanceStatus?) {
            self.staffNumber = staffNumber
            self.fullName = fullName
            self.enrolmentStatus = enrolmentStatus
            self.status = status
            self.closed = enrolmentStatus.resultsClosed
        }
    }

    public init(session: TrainingSession, day: Day, lines: [Line], unmarkedDays: [Day], version: String) {
        self.session = session
        self.day = day
        self.lines = lines
        self.unmarkedDays = unmarkedDays
        self.version = version
    }

    /// The version token of a sheet revision.
    public static func version(revision: Int) -> String { "\(revision)" }

    /// The revision a version token names, nil for anything this server did not write.
    public static func revision(ofVersion version: String) -> Int? {
        let text = version.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCII), let value = Int(text), value >= 0 else { return nil }
        return value
    }
}

/// A mark a stale form would have overwritten: what the form wanted and what is saved now.
public struct AttendanceDifference: Sendable, Codable, Hashable {
    public var staffNumber: String
    public var fullName: String
    public var wanted: AttendanceStatus
    /// Nil when the mark was removed meanwhile.
    public var saved: AttendanceStatus?

    public init(staffNumber: String, fullName: String, wanted: AttendanceStatus, saved: AttendanceStatus?) {
        self.staffNumber = staffNumber
        self.fullName = fullName
        self.wanted = wanted
        self.saved = saved
    }
}

/// A score a stale form would have overwritten: what the form wanted and what is saved now.
public struct ScoreDifference: Sendable, Codable, Hashable {
    public var staffNumber: String
    public var fullName: String
    public var kind: AssessmentKind
    public var wanted: Double
    /// Nil when no score is saved.
    public var saved: Double?

    public init(staffNumber: String, fullName: String, kind: AssessmentKind, wanted: Double, saved: Double?) {
        self.staffNumber = staffNumber
        self.fullName = fullName
        self.kind = kind
        self.wanted = wanted
        self.saved = saved
    }
}

/// What closing a session's results decided, line by line, with the rule applied.
public struct ClosedResults: Sendable, Codable, Hashable {
    public var sessionCode: String
    /// The course's completion rule: post-test pass mark and minimum attendance, in percent.
    public var passMark: Int
    public var minAttendance: Int
    /// Every enrolled, completed and failed line, by name.
    public var lines: [Line]

    public struct Line: Sendable, Codable, Hashable {
        public var staffNumber: String
        public var fullName: String
        /// Completed or failed.
        public var outcome: CompletionRule.Outcome
        public var attendanceRate: Double
        public var postScore: Double?
        /// Why the rule fails the line (empty for a pass, and for a line closed by an override).
        public var shortfalls: [CompletionRule.Shortfall]
        /// True when this close decided the outcome; false for a line that was already closed.
        public var closedNow: Bool
        /// The serial of the certificate revoked because the line is no longer completed.
        public var revokedCertificate: String?

        public init(
            staffNumber: String, fullName: String, outcome: CompletionRule.Outcome, attendanceRate: Double, postScore: Double?,
            shortfalls: [CompletionRule.Shortfall], closedNow: Bool, revokedCertificate: String? = nil
        ) {
            self.staffNumber = staffNumber
            self.fullName = fullName
            self.outcome = outcome
            self.attendanceRate = attendanceRate
            self.postScore = postScore
            self.shortfalls = shortfalls
            self.closedNow = closedNow
            self.revokedCertificate = revokedCertificate
        }
    }

    public init(sessionCode: String, passMark: Int, minAttendance: Int, lines: [Line]) {
        self.sessionCode = sessionCode
        self.passMark = passMark
        self.minAttendance = minAttendance
        self.lines = lines
    }

    public var completed: Int { lines.filter { $0.outcome == .completed }.count }
    public var failed: Int { lines.filter { $0.outcome == .failed }.count }
}

/// What reopening a session's results moved back to enrolled.
public struct ReopenedResults: Sendable, Codable, Hashable {
    public var sessionCode: String
    public var reason: String
    public var lines: [Line]

    public struct Line: Sendable, Codable, Hashable {
        public var staffNumber: String
        public var fullName: String
        /// Completed or failed, before reopening.
        public var previousStatus: EnrolmentStatus
        /// The line's valid certificate: revoked when closing again does not complete the line.
        public var certificate: String?

        public init(staffNumber: String, fullName: String, previousStatus: EnrolmentStatus, certificate: String?) {
            self.staffNumber = staffNumber
            self.fullName = fullName
            self.previousStatus = previousStatus
            self.certificate = certificate
        }
    }

    public init(sessionCode: String, reason: String, lines: [Line]) {
        self.sessionCode = sessionCode
        self.reason = reason
        self.lines = lines
    }
}

extension EnrolmentStatus {
    /// Completed or failed: attendance and scores are locked until HR or an admin reopens them.
    public var resultsClosed: Bool { self == .completed || self == .failed }
}
