import Foundation

/// How a stay abroad is paid for.
public enum AbroadFunding: String, Sendable, Codable, CaseIterable {
    case partnerScholarship = "partner_scholarship", state, selfFunded = "self_funded"
}

extension AbroadFunding: CatalogueNamed { public static var catalogueSection: String { "abroad.funding" } }

/// A session for which each participant has a file: held outside Mali, or longer than this.
public enum AbroadRule {
    /// Days (start and end included) beyond which a session at home also needs files; the
    /// database holds the same number (sql/migrations/0019_cooperation.sql, abroad_file_session_check).
    public static let longTrainingDays = 30

    public static func needsFiles(_ session: TrainingSession) -> Bool {
        (session.country ?? "ML") != "ML" || session.endsOn.ordinal - session.startsOn.ordinal + 1 > longTrainingDays
    }
}

/// One extension of a stay: the new return day and why.
public struct AbroadExtension: Sendable, Hashable, Codable {
    public var returnsOn: Day
    public var reason: String
    public var recordedAt: Date
    public var recordedBy: String

    public init(returnsOn: Day, reason: String, recordedAt: Date, recordedBy: String) {
        (self.returnsOn, self.reason, self.recordedAt, self.recordedBy) = (returnsOn, reason, recordedAt, recordedBy)
    }
}

/// A participant's administrative file for a training abroad (as ministries' HR systems keep it).
public struct AbroadFile: Sendable, Hashable, Codable {
    public var id: UUID
    public var staffNumber: String
    public var name: String
    public var departmentCode: String?
    public var sessionCode: String
    public var city: String?
    public var country: String?
    public var authorisationNumber: String?
    public var authorisationDate: Day?
    public var departsOn: Day
    /// The return first planned.
    public var returnsOn: Day
    /// The return expected now: the last extension's, or the planned one.
    public var dueOn: Day
    public var resumedOn: Day?
    public var funding: AbroadFunding
    public var extensions: [AbroadExtension]
    public var reportName: String?

    public init(
        id: UUID, staffNumber: String, name: String, departmentCode: String?, sessionCode: String, city: String?, country: String?,
        authorisationNumber: String?, authorisationDate: Day?, departsOn: Day, returnsOn: Day, dueOn: Day, resumedOn: Day?, funding: AbroadFunding,
        extensions: [AbroadExtension], reportName: String?
    ) {
        (self.id, self.staffNumber, self.name, self.departmentCode, self.sessionCode, self.city, self.country) =
            (id, staffNumber, name, departmentCode, sessionCode, city, country)
        (self.authorisationNumber, self.authorisationDate, self.departsOn, self.returnsOn, self.dueOn, self.resumedOn) =
            (authorisationNumber, authorisationDate, departsOn, returnsOn, dueOn, resumedOn)
        (self.funding, self.extensions, self.reportName) = (funding, extensions, reportName)
    }

    /// Planned return passed and no resumption of duty recorded.
    public func isOverdue(on day: Day) -> Bool { resumedOn == nil && dueOn < day }
    /// Gone and not back yet (overdue included).
    public func isAway(on day: Day) -> Bool { resumedOn == nil && departsOn <= day }
    /// Due back in the month of `day`, not back yet.
    public func returnsInMonth(of day: Day) -> Bool {
        resumedOn == nil && dueOn.components.year == day.components.year && dueOn.components.month == day.components.month
    }
}

/// Which files a list shows.
public enum AbroadList: String, Sendable, Codable, CaseIterable {
    case all, away, returning, overdue
}

extension AbroadList: CatalogueNamed { public static var catalogueSection: String { "abroad.list" } }

/// A new file as typed: days as texts, checked by the use case.
public struct AbroadFileInput: Sendable {
    public var sessionCode, staffNumber: String
    public var authorisationNumber, authorisationDate: String?
    public var departsOn, returnsOn: String
    public var funding: String

    public init(
        sessionCode: String, staffNumber: String, authorisationNumber: String? = nil, authorisationDate: String? = nil, departsOn: String, returnsOn: String,
        funding: String
    ) {
        (self.sessionCode, self.staffNumber, self.authorisationNumber, self.authorisationDate) = (sessionCode, staffNumber, authorisationNumber, authorisationDate)
        (self.departsOn, self.returnsOn, self.funding) = (departsOn, returnsOn, funding)
    }
}

/// Storage of files abroad.
public protocol AbroadStore: Sendable {
    func insertAbroadFile(
        id: UUID, enrolmentID: UUID, authorisation: (number: String, date: Day)?, departsOn: Day, returnsOn: Day, funding: AbroadFunding) async throws
    func abroadFile(id: UUID) async throws -> AbroadFile?
    /// Every file, or one department's, with the last extension applied; by due day.
    func abroadFiles(departmentCode: String?) async throws -> [AbroadFile]
    func recordResumption(fileID: UUID, on day: Day) async throws
    func addExtension(fileID: UUID, returnsOn: Day, reason: String, by actor: String) async throws
    func attachReport(fileID: UUID, name: String, data: Data, at: Date) async throws
    func abroadReport(fileID: UUID) async throws -> (name: String, data: Data)?
    /// Writes the notices of the files overdue on `day` not yet told (head and HR, once per file
    /// and expected return); returns how many notices.
    func scheduleOverdueNotices(on day: Day) async throws -> Int
}
