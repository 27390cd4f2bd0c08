import Foundation

/// A cooperation agreement or plan with a target number of staff to train.
public struct Programme: Sendable, Codable, Hashable {
    public var id: UUID
    public var code: String
    public var nameFR: String
    public var nameEN: String
    public var startsOn: Day
    public var endsOn: Day
    public var domains: [String]
    public var targetTrainees: Int
    public var partnerIDs: [UUID]

    public init(
        id: UUID = UUID(), code: String, nameFR: String, nameEN: String, startsOn: Day, endsOn: Day, domains: [String],
        targetTrainees: Int, partnerIDs: [UUID] = []
    ) {
        self.id = id
        self.code = code
        self.nameFR = nameFR
        self.nameEN = nameEN
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.domains = domains
        self.targetTrainees = targetTrainees
        self.partnerIDs = partnerIDs
    }

    public func name(in language: Language) -> String { language == .fr ? nameFR : nameEN }
}

public struct CourseModule: Sendable, Codable, Hashable {
    public var titleFR: String
    public var titleEN: String
    public var hours: Int

    public init(titleFR: String, titleEN: String, hours: Int) {
        self.titleFR = titleFR
        self.titleEN = titleEN
        self.hours = hours
    }

    public func title(in language: Language) -> String { language == .fr ? titleFR : titleEN }
}

/// A catalogue entry.
public struct Course: Sendable, Codable, Hashable {
    public var id: UUID
    public var code: String
    public var titleFR: String
    public var titleEN: String
    public var domain: String
    public var hours: Int
    public var passMark: Int
    public var minAttendance: Int
    public var validityMonths: Int?
    public var programmeID: UUID?
    public var modules: [CourseModule]
    public var prerequisiteIDs: [UUID]

    public init(
        id: UUID = UUID(), code: String, titleFR: String, titleEN: String, domain: String, hours: Int, passMark: Int = 50,
        minAttendance: Int = 80, validityMonths: Int? = nil, programmeID: UUID? = nil, modules: [CourseModule] = [],
        prerequisiteIDs: [UUID] = []
    ) {
        self.id = id
        self.code = code
        self.titleFR = titleFR
        self.titleEN = titleEN
        self.domain = domain
        self.hours = hours
        self.passMark = passMark
        self.minAttendance = minAttendance
        self.validityMonths = validityMonths
        self.programmeID = programmeID
        self.modules = modules
        self.prerequisiteIDs = prerequisiteIDs
    }

    public func title(in language: Language) -> String { language == .fr ? titleFR : titleEN }
}
