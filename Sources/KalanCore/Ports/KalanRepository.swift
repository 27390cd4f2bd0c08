import Foundation

/// The storage behind the use cases. Every use case runs in one transaction: either all of a
/// change (with its history and audit entry) is kept, or nothing is.
public protocol KalanRepository: Sendable {
    /// Runs `body` in a transaction, again when the database reports a serialization failure.
    func transaction<T: Sendable>(_ body: @Sendable (any KalanUnitOfWork) async throws -> T) async throws -> T
    /// Runs `body` without an explicit transaction: each statement commits by itself. Only for a
    /// body of one statement (a read, or one self-contained write), or of reads that need no common
    /// snapshot, where BEGIN and COMMIT would be two more round trips for nothing.
    func statement<T: Sendable>(_ body: @Sendable (any KalanUnitOfWork) async throws -> T) async throws -> T
    /// A cohort report; a store that keeps figures in memory tallies outside any transaction.
    func cohorts(_ query: CohortQuery) async throws -> CohortReport
    /// Every programme against its target, likewise.
    func programmeProgress() async throws -> [ProgrammeProgress]
}

extension KalanRepository {
    public func statement<T: Sendable>(_ body: @Sendable (any KalanUnitOfWork) async throws -> T) async throws -> T {
        try await transaction(body)
    }

    public func cohorts(_ query: CohortQuery) async throws -> CohortReport {
        try await transaction { try await $0.cohorts(query) }
    }

    public func programmeProgress() async throws -> [ProgrammeProgress] {
        try await transaction { try await $0.programmeProgress() }
    }
}

/// Filters for lists; nil means "any".
public struct TraineeFilter: Sendable {
    public var search: String?
    public var departmentCode: String?
    public var active: Bool?
    public var limit: Int
    public var order: TraineeOrder
    /// The last staff member of the previous page, in `order` (keyset pagination).
    public var after: TraineeSortKey?

    public init(
        search: String? = nil, departmentCode: String? = nil, active: Bool? = nil, limit: Int = 100, order: TraineeOrder = .staffNumber,
        after: TraineeSortKey? = nil
    ) {
        self.search = search
        self.departmentCode = departmentCode
        self.active = active
        self.limit = limit
        self.order = order
        self.after = after
    }
}

/// The orders in which the register can be listed; the staff number breaks every tie, so each
/// order is total and a page boundary is never ambiguous.
public enum TraineeOrder: String, Sendable, CaseIterable, Codable {
    case staffNumber, staffNumberDescending = "-staffNumber", familyName, familyNameDescending = "-familyName"

    public var descending: Bool { rawValue.hasPrefix("-") }
    public var byName: Bool { self == .familyName || self == .familyNameDescending }
}

/// Where a page stopped: the values of the sort columns of its last line.
public struct TraineeSortKey: Sendable, Hashable, Codable {
    public var staffNumber: String
    public var familyName: String
    public var givenName: String

    public init(staffNumber: String, familyName: String = "", givenName: String = "") {
        self.staffNumber = staffNumber
        self.familyName = familyName
        self.givenName = givenName
    }

    public init(_ trainee: Trainee) {
        self.init(staffNumber: trainee.staffNumber, familyName: trainee.familyName, givenName: trainee.givenName)
    }
}

/// Which sessions to list, in which order, from where (keyset pagination).
public struct SessionFilter: Sendable {
    /// Sessions that end on or after `from` and start on or before `to`.
    public var from: Day?
    public var to: Day?
    public var status: SessionStatus?
    public var courseCode: String?
    /// Only the sessions this user trains (a trainer's view).
    public var trainerID: UUID?
    public var limit: Int
    public var order: SessionOrder
    public var after: SessionSortKey?

    public init(
        from: Day? = nil, to: Day? = nil, status: SessionStatus? = nil, courseCode: String? = nil, trainerID: UUID? = nil, limit: Int = Int(Int32.max),
        order: SessionOrder = .startsOn, after: SessionSortKey? = nil
    ) {
        self.from = from
        self.to = to
        self.status = status
        self.courseCode = courseCode
        self.trainerID = trainerID
        self.limit = limit
        self.order = order
        self.after = after
    }

    /// What `actor` may list: trainers only their own sessions.
    public static func visible(to actor: Actor) -> SessionFilter {
        SessionFilter(trainerID: actor.role == .trainer ? (actor.userID ?? UUID()) : nil)
    }
}

/// Sessions by start date (the session code breaks ties), either way.
public enum SessionOrder: String, Sendable, CaseIterable, Codable {
    case startsOn, startsOnDescending = "-startsOn"
}

/// Where a page of sessions stopped.
public struct SessionSortKey: Sendable, Hashable, Codable {
    public var startsOn: Day
    public var code: String

    public init(startsOn: Day, code: String) {
        self.startsOn = startsOn
        self.code = code
    }
}

/// One row of a session's roster.
public struct RosterLine: Sendable, Codable, Hashable {
    public var enrolment: Enrolment
    public var trainee: Trainee
    public var departmentCode: String?
    public var presentDays: Int
    public var excusedDays: Int
    public var preScore: Double?
    public var postScore: Double?

    public init(
        enrolment: Enrolment, trainee: Trainee, departmentCode: String?, presentDays: Int, excusedDays: Int, preScore: Double?,
        postScore: Double?
    ) {
        self.enrolment = enrolment
        self.trainee = trainee
        self.departmentCode = departmentCode
        self.presentDays = presentDays
        self.excusedDays = excusedDays
        self.preScore = preScore
        self.postScore = postScore
    }

    /// Attendance in percent over the session's training days, excused days left out.
    public func attendanceRate(trainingDays: Int) -> Double {
        let counted = trainingDays - excusedDays
        return counted > 0 ? Double(presentDays) * 100 / Double(counted) : 100
    }
}

/// One line of a day's attendance sheet as the database holds it.
public struct SavedMark: Sendable, Hashable {
    public var enrolmentID: UUID
    public var enrolmentStatus: EnrolmentStatus
    public var staffNumber: String
    public var fullName: String
    public var status: AttendanceStatus?
    /// The sheet revision the mark was written at (0 when unmarked).
    public var revision: Int

    public init(enrolmentID: UUID, enrolmentStatus: EnrolmentStatus, staffNumber: String, fullName: String, status: AttendanceStatus?, revision: Int) {
        (self.enrolmentID, self.enrolmentStatus, self.staffNumber, self.fullName) = (enrolmentID, enrolmentStatus, staffNumber, fullName)
        (self.status, self.revision) = (status, revision)
    }
}

/// What the audit log keeps of a change.
public struct AuditEntry: Sendable {
    public var actor: Actor
    public var action: String
    public var entity: KalanError.Entity
    public var entityID: String
    public var before: String?
    public var after: String?

    public init(actor: Actor, action: String, entity: KalanError.Entity, entityID: String, before: (any Encodable)? = nil, after: (any Encodable)? = nil) {
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before.flatMap(AuditEntry.json)
        self.after = after.flatMap(AuditEntry.json)
    }

    static func json(_ value: any Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// What a direct enrolment decides on: the trainee, the session's prerequisites they lack (codes,
/// sorted), a session overlapping it where they hold or await a seat, their existing enrolment in
/// it, and the session's seats taken and last waitlist position.
public struct EnrolmentContext: Sendable {
    public var trainee: Trainee
    public var missingPrerequisites: [String]
    public var overlappingSession: String?
    public var existing: Enrolment?
    public var seatsTaken: Int
    public var lastWaitlistPosition: Int

    public init(
        trainee: Trainee, missingPrerequisites: [String], overlappingSession: String?, existing: Enrolment?, seatsTaken: Int, lastWaitlistPosition: Int
    ) {
        self.trainee = trainee
        self.missingPrerequisites = missingPrerequisites
        self.overlappingSession = overlappingSession
        self.existing = existing
        self.seatsTaken = seatsTaken
        self.lastWaitlistPosition = lastWaitlistPosition
    }
}

/// Reads and writes inside one transaction.
public protocol KalanUnitOfWork: CertificateStore, TraineeBulkStore, AccountStore, StatisticsStore, TraineeHistoryStore, AdminStore, CertificateListStore, CooperationStore, AttendanceScanStore,
    StaffSignInStore, StaffRecordsStore
{
    // Organisation
    func departments() async throws -> [Department]
    func department(code: String) async throws -> Department?
    func insert(_ department: Department) async throws
    func trainee(staffNumber: String) async throws -> Trainee?
    func trainee(id: UUID) async throws -> Trainee?
    func trainees(_ filter: TraineeFilter) async throws -> [Trainee]
    /// How many staff match the filter's search, department and state (its limit and page aside).
    func traineeCount(_ filter: TraineeFilter) async throws -> Int
    func insert(_ trainee: Trainee) async throws
    /// Saves the trainee when its version is still `trainee.version`; returns the new version.
    func update(_ trainee: Trainee) async throws -> Trainee

    // Partners and catalogue
    func partners() async throws -> [Partner]
    func partner(code: String) async throws -> Partner?
    func partner(id: UUID) async throws -> Partner?
    func insert(_ partner: Partner) async throws
    func programmes() async throws -> [Programme]
    func programme(code: String) async throws -> Programme?
    func insert(_ programme: Programme) async throws
    func courses() async throws -> [Course]
    func course(code: String) async throws -> Course?
    func course(id: UUID) async throws -> Course?
    func insert(_ course: Course) async throws

    // Sessions
    func sessions(_ filter: SessionFilter) async throws -> [TrainingSession]
    func session(code: String) async throws -> TrainingSession?
    func session(id: UUID) async throws -> TrainingSession?
    /// The session, locked until the transaction ends: seat decisions are serialised per session.
    func lockSession(id: UUID) async throws -> TrainingSession
    func insert(_ session: TrainingSession) async throws
    func updateStatus(ofSession id: UUID, to status: SessionStatus) async throws
    func assignTrainer(userID: UUID, toSession id: UUID) async throws

    // Enrolment
    /// The session of this code, locked until the transaction ends (one statement).
    func lockSession(code: String) async throws -> TrainingSession?
    /// What a direct enrolment of this staff member in the (locked) session decides on, in one
    /// statement; nil when no trainee has this staff number.
    func enrolmentContext(staffNumber: String, session: TrainingSession) async throws -> EnrolmentContext?
    /// A new enrolment with its history lines and audit rows, in one statement.
    func insert(_ enrolment: Enrolment, period: ClosedRange<Day>, events: [EnrolmentEvent], audits: [AuditEntry]) async throws
    func enrolment(sessionID: UUID, traineeID: UUID) async throws -> Enrolment?
    func seatsTaken(sessionID: UUID) async throws -> Int
    func lastWaitlistPosition(sessionID: UUID) async throws -> Int
    func waitlist(sessionID: UUID) async throws -> [Enrolment]
    func completedCourseIDs(traineeID: UUID) async throws -> Set<UUID>
    /// The code of a session overlapping these dates where the trainee holds or awaits a seat.
    func overlappingSessionCode(traineeID: UUID, startsOn: Day, endsOn: Day, excluding sessionID: UUID) async throws -> String?
    func insert(_ enrolment: Enrolment, period: ClosedRange<Day>) async throws
    func update(_ enrolment: Enrolment) async throws
    func append(_ event: EnrolmentEvent, to enrolmentID: UUID) async throws
    func history(of enrolmentID: UUID) async throws -> [EnrolmentEvent]
    /// Every line of a session: its last event and its number of events, in one read.
    func eventSummaries(sessionID: UUID) async throws -> [UUID: EnrolmentEventSummary]
    func roster(sessionID: UUID) async throws -> [RosterLine]
    /// A session by its code, its course's code and its roster, in one statement (the API's roster).
    func roster(sessionCode: String) async throws -> (session: TrainingSession, courseCode: String, lines: [RosterLine])?

    // Results
    func record(attendance status: AttendanceStatus, on day: Day, for enrolmentID: UUID, by actor: String) async throws
    func attendance(of enrolmentID: UUID) async throws -> [Day: AttendanceStatus]
    func record(score: Double, kind: AssessmentKind, for enrolmentID: UUID, by actor: String) async throws
    func scores(of enrolmentID: UUID) async throws -> [AssessmentKind: Double]
    /// One day of a session's attendance: every enrolled, completed and failed line with its
    /// mark (nil when unmarked) and the sheet revision the mark was written at.
    func attendanceSheet(sessionID: UUID, day: Day) async throws -> [SavedMark]
    /// The revision of a session's sheet for a day (0 before its first mark). With `lock`, the
    /// sheet stays locked until the transaction ends: saves of one sheet are serialised.
    func attendanceRevision(sessionID: UUID, day: Day, lock: Bool) async throws -> Int
    /// For each day, how many enrolled lines of the session have a mark.
    func markedEnrolledLines(sessionID: UUID) async throws -> [Day: Int]
    /// The lines of a sheet being saved, in one statement, keyed by the staff number as given:
    /// the staff member each number finds (whatever its case, the exact spelling first, as
    /// `trainee(staffNumber:)`) and their enrolment in the session, nil when not enrolled. The
    /// enrolments found are locked (FOR UPDATE, in id order) until the transaction ends; a
    /// number that finds nobody is absent.
    func attendanceLines(sessionID: UUID, staffNumbers: [String]) async throws -> [String: AttendanceLine]
    /// Writes these marks, in order, by `actor`: one statement when no line and day comes twice.
    func record(attendance marks: [AttendanceWrite], by actor: String) async throws

    // Audit
    func audit(_ entry: AuditEntry) async throws
    /// These entries, in order, in one statement.
    func audit(_ entries: [AuditEntry]) async throws
}

/// A staff member named on an attendance sheet being saved, and their enrolment in the session.
public struct AttendanceLine: Sendable {
    public var trainee: Trainee
    public var enrolment: Enrolment?

    public init(trainee: Trainee, enrolment: Enrolment?) {
        self.trainee = trainee
        self.enrolment = enrolment
    }
}

/// One mark to write: an enrolment's status on a day.
public struct AttendanceWrite: Sendable, Hashable {
    public var enrolmentID: UUID
    public var day: Day
    public var status: AttendanceStatus

    public init(enrolmentID: UUID, day: Day, status: AttendanceStatus) {
        self.enrolmentID = enrolmentID
        self.day = day
        self.status = status
    }
}

/// Certificates and the keys that signed them.
public protocol CertificateStore: Sendable {
    func certificate(enrolmentID: UUID) async throws -> Certificate?
    func certificate(serial: String) async throws -> Certificate?
    func certificates(sessionID: UUID) async throws -> [Certificate]
    /// The next number for `prefix` and `year`, allocated in the database so that every process
    /// gets a different one.
    func nextSerialNumber(prefix: String, year: Int) async throws -> Int
    func insert(_ certificate: Certificate) async throws
    func revoke(certificateID: UUID, by actor: String, reason: String) async throws
    /// Lists the key (idempotent); old keys stay listed.
    func publish(signingKeyID: String, publicKeyMultibase: String) async throws
    func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)]
    func enrolment(id: UUID) async throws -> Enrolment?
    /// Whether a certificate, current or superseded, holds this bit of status list `list`.
    func statusIndexInUse(list: Int, index: Int) async throws -> Bool
    /// The last status list begun (1 when none) and how many of its bits are used.
    func lastStatusList() async throws -> (list: Int, used: Int)
    /// A free bit of `list` picked at random by the database; nil when every bit is used.
    func freeStatusIndex(list: Int, size: Int) async throws -> Int?
    /// The bits to set in status list `list`: revoked certificates and superseded credentials;
    /// and when the list last changed (nil when no bit is set).
    func revokedStatusIndexes(list: Int) async throws -> (indexes: [Int], changedAt: Date?)
    /// A reissue: keeps `old`'s credential and bit as superseded, and stores `new` (same id and serial).
    func supersede(_ old: Certificate, with new: Certificate, by actor: String) async throws
    /// When the credential holding this bit was superseded by a reissue (nil when it was not).
    func supersededAt(list: Int, index: Int) async throws -> Date?
    /// What the register knows of a credential without a status entry: found by its serial and
    /// compared by content with the certificate's current and superseded credentials.
    func registerStatus(serial: String?, credential: String) async throws -> RegisterStatus
    /// The serials of the certificates whose stored credential has no status entry (issued before
    /// the status list), in serial order.
    func legacySerials() async throws -> [String]
    /// Withdraws a key (compromised): false when it is unknown or already withdrawn.
    func retire(signingKeyID: String, reason: String) async throws -> Bool
}

/// The register's word on a credential that carries no status entry.
public enum RegisterStatus: Sendable, Equatable {
    /// The certificate's current credential; `revokedAt` when the certificate is revoked.
    case current(revokedAt: Date?)
    /// A copy replaced by a reissue, on that day.
    case superseded(at: Date)
    /// The serial is known but this copy is none the register kept.
    case unknownCopy
    /// No certificate has this serial or this content.
    case unknown
}

/// One validated spreadsheet line, ready for the register.
public struct TraineeImportRow: Sendable, Hashable {
    public var line: Int
    public var staffNumber: String
    public var givenName: String
    public var familyName: String
    public var sex: Sex
    public var category: String?
    public var position: String?
    public var departmentCode: String?
    public var email: String?
    public var phone: String?
    public var active: Bool

    public init(
        line: Int, staffNumber: String, givenName: String, familyName: String, sex: Sex, category: String?, position: String?,
        departmentCode: String?, email: String?, phone: String?, active: Bool
    ) {
        (self.line, self.staffNumber, self.givenName, self.familyName, self.sex) = (line, staffNumber, givenName, familyName, sex)
        (self.category, self.position, self.departmentCode, self.email, self.phone, self.active) = (category, position, departmentCode, email, phone, active)
    }
}

public struct TraineeImportSummary: Sendable, Equatable {
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
    /// Lines whose department code is not in the register (nothing is kept then).
    public var unknownDepartments: [(line: Int, code: String)]
    /// What the file carried that was left out (unknown columns); the import went through.
    public var warnings: [ImportProblem] = []
    /// How the file was read (UTF-8, Windows-1252 converted, .xlsx…).
    public var source: SheetFile.Source?

    public init(inserted: Int, updated: Int, unchanged: Int, unknownDepartments: [(line: Int, code: String)]) {
        (self.inserted, self.updated, self.unchanged, self.unknownDepartments) = (inserted, updated, unchanged, unknownDepartments)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.inserted == b.inserted && a.updated == b.updated && a.unchanged == b.unchanged
            && a.unknownDepartments.map(\.line) == b.unknownDepartments.map(\.line)
    }
}

/// Bulk loading of the staff register.
public protocol TraineeBulkStore: Sendable {
    /// Upserts by staff number through COPY into a staging table, auditing each change. When any
    /// department code is unknown, nothing is written and the lines are returned. `progress` sees
    /// the rows handed to PostgreSQL so far.
    func importTrainees(_ rows: [TraineeImportRow], actor: Actor, progress: ProgressReport?) async throws -> TraineeImportSummary
}
