import Foundation

/// What cohorts can be grouped by (DESIGN "Statistics"). Periods are taken from the session's
/// start date.
public enum CohortDimension: String, Sendable, CaseIterable, Codable {
    case session, course, domain, programme, partner, department, sex, category, year, quarter, month
}

/// Which enrolments to count and how to group them.
public struct CohortQuery: Sendable, Hashable {
    public var by: [CohortDimension]
    /// Sessions that start on or after `from` and on or before `to`.
    public var from: Day?
    public var to: Day?
    public var courseCode: String?
    public var partnerCode: String?
    public var programmeCode: String?
    public var departmentCode: String?
    public var domain: String?
    /// Only the sessions this user trains (set for trainers by the use case).
    public var trainerID: UUID?

    public init(
        by: [CohortDimension] = [], from: Day? = nil, to: Day? = nil, courseCode: String? = nil, partnerCode: String? = nil,
        programmeCode: String? = nil, departmentCode: String? = nil, domain: String? = nil, trainerID: UUID? = nil
    ) {
        self.by = by
        self.from = from
        self.to = to
        self.courseCode = courseCode
        self.partnerCode = partnerCode
        self.programmeCode = programmeCode
        self.departmentCode = departmentCode
        self.domain = domain
        self.trainerID = trainerID
    }
}

/// The figures of one cohort: the enrolments sharing the values of the query's dimensions.
public struct CohortFigures: Sendable, Hashable, Encodable {
    /// One value per dimension of the query, in its order; empty for the total.
    public var group: [String]
    public var enrolments: Int
    /// Enrolments per status (every status present, zeros included).
    public var statuses: [String: Int]
    /// Distinct staff members, and how many of them are women.
    public var trainees: Int
    public var women: Int
    /// Attendance marks: present, and present or absent (excused days do not count).
    public var presentDays: Int
    public var markedDays: Int
    public var meanPreScore: Double?
    public var meanPostScore: Double?
    /// Mean of post − pre over enrolments that have both.
    public var meanGain: Double?
    public var certificatesIssued: Int
    public var certificatesRevoked: Int

    public init(
        group: [String], enrolments: Int, statuses: [String: Int], trainees: Int, women: Int, presentDays: Int, markedDays: Int, meanPreScore: Double?,
        meanPostScore: Double?, meanGain: Double?, certificatesIssued: Int, certificatesRevoked: Int
    ) {
        self.group = group
        self.enrolments = enrolments
        self.statuses = statuses
        self.trainees = trainees
        self.women = women
        self.presentDays = presentDays
        self.markedDays = markedDays
        self.meanPreScore = meanPreScore
        self.meanPostScore = meanPostScore
        self.meanGain = meanGain
        self.certificatesIssued = certificatesIssued
        self.certificatesRevoked = certificatesRevoked
    }

    public func count(_ status: EnrolmentStatus) -> Int { statuses[status.rawValue] ?? 0 }

    /// Those given a seat: enrolled, completed, failed, withdrawn or absent (no-show).
    public var admitted: Int { [.enrolled, .completed, .failed, .withdrawn, .noShow].map(count).reduce(0, +) }

    /// Completed ÷ admitted.
    public var completionRate: Double? { Self.ratio(count(.completed), admitted) }

    /// Completed ÷ (completed + failed): of those with an outcome, how many passed.
    public var passRate: Double? { Self.ratio(count(.completed), count(.completed) + count(.failed)) }

    /// Present days ÷ (present + absent days).
    public var attendanceRate: Double? { Self.ratio(presentDays, markedDays) }

    /// Women ÷ distinct staff members.
    public var womenShare: Double? { Self.ratio(women, trainees) }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    enum CodingKeys: String, CodingKey {
        case group, enrolments, statuses, trainees, women, presentDays, markedDays, meanPreScore, meanPostScore, meanGain, certificatesIssued,
            certificatesRevoked, admitted, completionRate, passRate, attendanceRate, womenShare
    }

    /// The stored counts and, for readers of the JSON, the rates derived from them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group, forKey: .group)
        try c.encode(enrolments, forKey: .enrolments)
        try c.encode(statuses, forKey: .statuses)
        try c.encode(trainees, forKey: .trainees)
        try c.encode(women, forKey: .women)
        try c.encode(presentDays, forKey: .presentDays)
        try c.encode(markedDays, forKey: .markedDays)
        try c.encode(meanPreScore, forKey: .meanPreScore)
        try c.encode(meanPostScore, forKey: .meanPostScore)
        try c.encode(meanGain, forKey: .meanGain)
        try c.encode(certificatesIssued, forKey: .certificatesIssued)
        try c.encode(certificatesRevoked, forKey: .certificatesRevoked)
        try c.encode(admitted, forKey: .admitted)
        try c.encode(completionRate, forKey: .completionRate)
        try c.encode(passRate, forKey: .passRate)
        try c.encode(attendanceRate, forKey: .attendanceRate)
        try c.encode(womenShare, forKey: .womenShare)
    }
}

/// A cohort report: one line per group, and the total over every enrolment counted.
public struct CohortReport: Sendable, Hashable, Encodable {
    public var dimensions: [CohortDimension]
    public var groups: [CohortFigures]
    public var total: CohortFigures

    public init(dimensions: [CohortDimension], groups: [CohortFigures], total: CohortFigures) {
        self.dimensions = dimensions
        self.groups = groups
        self.total = total
    }
}

/// How far a programme has come towards its target: distinct staff who completed one of its courses.
public struct ProgrammeProgress: Sendable, Hashable, Codable {
    public var code: String
    public var nameFR: String
    public var nameEN: String
    public var startsOn: Day
    public var endsOn: Day
    public var target: Int
    public var trained: Int
    public var enrolled: Int

    public init(code: String, nameFR: String, nameEN: String, startsOn: Day, endsOn: Day, target: Int, trained: Int, enrolled: Int) {
        self.code = code
        self.nameFR = nameFR
        self.nameEN = nameEN
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.target = target
        self.trained = trained
        self.enrolled = enrolled
    }

    /// Trained ÷ target; nil when the programme has no target.
    public var progress: Double? { target == 0 ? nil : Double(trained) / Double(target) }
}

/// Cohort statistics in storage: aggregated by the database, never row by row in the process.
public protocol StatisticsStore: Sendable {
    func cohorts(_ query: CohortQuery) async throws -> CohortReport
    func programmeProgress() async throws -> [ProgrammeProgress]
}
