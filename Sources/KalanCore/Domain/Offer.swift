import Foundation

/// A department's share of an offer's places, and how many of them nominations have taken.
public struct OfferShare: Sendable, Hashable, Codable {
    public var departmentCode: String
    public var departmentName: String
    public var departmentNameEN: String
    public var places: Int
    /// Nominations of the department's staff to the offer's sessions (withdrawn and rejected aside).
    public var taken: Int

    public init(departmentCode: String, departmentName: String, departmentNameEN: String, places: Int, taken: Int) {
        (self.departmentCode, self.departmentName, self.departmentNameEN, self.places, self.taken) = (departmentCode, departmentName, departmentNameEN, places, taken)
    }

    public func name(in language: Language) -> String { language == .en ? departmentNameEN : departmentName }

    public var free: Int { max(0, places - taken) }
}

/// A partner's offer of places in a course, at home or abroad: shared among departments until its
/// release day, then open to all (the general waitlist).
public struct Offer: Sendable, Hashable, Codable {
    public var id: UUID
    public var code: String
    public var partnerCode: String
    public var partnerName: String
    public var courseCode: String
    public var title: String
    public var city: String?
    public var country: String
    public var places: Int
    public var startsOn: Day
    public var endsOn: Day
    public var deadline: Day
    public var releaseOn: Day
    /// What the partner pays; the ministry pays the rest.
    public var partnerPays: [CostKind]
    public var releasedAt: Date?
    public var shares: [OfferShare]
    public var sessionCodes: [String]

    public init(
        id: UUID, code: String, partnerCode: String, partnerName: String, courseCode: String, title: String, city: String?, country: String, places: Int,
        startsOn: Day, endsOn: Day, deadline: Day, releaseOn: Day, partnerPays: [CostKind], releasedAt: Date?, shares: [OfferShare], sessionCodes: [String]
    ) {
        (self.id, self.code, self.partnerCode, self.partnerName, self.courseCode, self.title, self.city, self.country) =
            (id, code, partnerCode, partnerName, courseCode, title, city, country)
        (self.places, self.startsOn, self.endsOn, self.deadline, self.releaseOn, self.partnerPays, self.releasedAt) =
            (places, startsOn, endsOn, deadline, releaseOn, partnerPays, releasedAt)
        (self.shares, self.sessionCodes) = (shares, sessionCodes)
    }

    public var abroad: Bool { country != "ML" }
    public var shared: Int { shares.reduce(0) { $0 + $1.places } }
    /// Places no department holds, and after the release every place not taken.
    public var unshared: Int { places - shared }
    /// What the ministry pays: the cost kinds the partner does not.
    public var ministryPays: [CostKind] { CostKind.allCases.filter { !partnerPays.contains($0) } }
}

/// An offer as typed.
public struct OfferInput: Sendable {
    public var code, partner, course, title: String
    public var city: String?
    public var country: String
    public var places: Int
    public var startsOn, endsOn, deadline, releaseOn: String
    public var partnerPays: [String]

    public init(
        code: String, partner: String, course: String, title: String, city: String?, country: String, places: Int, startsOn: String, endsOn: String,
        deadline: String, releaseOn: String, partnerPays: [String]
    ) {
        (self.code, self.partner, self.course, self.title, self.city, self.country, self.places) = (code, partner, course, title, city, country, places)
        (self.startsOn, self.endsOn, self.deadline, self.releaseOn, self.partnerPays) = (startsOn, endsOn, deadline, releaseOn, partnerPays)
    }
}

/// An offer ready for storage.
public struct OfferRecord: Sendable {
    public var id: UUID
    public var code: String
    public var partnerID, courseID: UUID
    public var title: String
    public var city: String?
    public var country: String
    public var places: Int
    public var startsOn, endsOn, deadline, releaseOn: Day
    public var partnerPays: [CostKind]

    public init(
        id: UUID = UUID(), code: String, partnerID: UUID, courseID: UUID, title: String, city: String?, country: String, places: Int, startsOn: Day,
        endsOn: Day, deadline: Day, releaseOn: Day, partnerPays: [CostKind]
    ) {
        (self.id, self.code, self.partnerID, self.courseID, self.title, self.city, self.country, self.places) =
            (id, code, partnerID, courseID, title, city, country, places)
        (self.startsOn, self.endsOn, self.deadline, self.releaseOn, self.partnerPays) = (startsOn, endsOn, deadline, releaseOn, partnerPays)
    }
}

/// Storage of offers and their shares.
public protocol OfferStore: Sendable {
    func insert(_ offer: OfferRecord) async throws
    func offers() async throws -> [Offer]
    func offer(code: String) async throws -> Offer?
    /// Sets a department's share (0 removes it); the database refuses shares beyond the places.
    func setShare(offerID: UUID, departmentID: UUID, places: Int) async throws
    func link(sessionID: UUID, toOffer offerID: UUID) async throws
    func markReleased(offerID: UUID, at: Date) async throws
    /// Holds the offers' releases until the transaction ends: several servers release each offer once.
    func lockOfferReleases() async throws
}
