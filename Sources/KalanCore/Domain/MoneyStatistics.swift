import Foundation

/// What the money can be grouped by: who pays, the session's partner, programme, domain or year.
public enum MoneyDimension: String, Sendable, Codable, CaseIterable {
    case funder, partner, programme, domain, year
}

extension MoneyDimension: CatalogueNamed { public static var catalogueSection: String { "cooperation.dimension" } }

/// The money report's question: the cohort statistics' filters (their grouping aside) and one
/// money dimension (nil: the total only).
public struct MoneyQuery: Sendable, Hashable {
    public var by: MoneyDimension?
    public var filters: CohortQuery

    public init(by: MoneyDimension? = nil, filters: CohortQuery = CohortQuery()) {
        (self.by, self.filters) = (by, filters)
    }
}

/// The money of one group, in CFA francs, and the people it trained. Only sessions with at least
/// one cost line count. With a department filter, a session's cost is that department's share:
/// cost × its participants ÷ all participants, rounded half up.
public struct MoneyFigures: Sendable, Hashable, Codable {
    public var group: String
    public var sessions: Int
    public var costXOF: Int64
    /// Given a seat: enrolled, completed, failed, withdrawn, no-show (as the cohort statistics count them).
    public var participants: Int
    public var completions: Int
    /// Certificates issued and not revoked.
    public var certificates: Int

    public init(group: String, sessions: Int, costXOF: Int64, participants: Int, completions: Int, certificates: Int) {
        (self.group, self.sessions, self.costXOF, self.participants, self.completions, self.certificates) =
            (group, sessions, costXOF, participants, completions, certificates)
    }

    public var perParticipant: Int64? { Self.share(costXOF, participants) }
    public var perCompletion: Int64? { Self.share(costXOF, completions) }
    public var perCertificate: Int64? { Self.share(costXOF, certificates) }

    /// cost ÷ count in whole CFA francs, rounded half up; nil when there is nobody to divide by.
    public static func share(_ cost: Int64, _ count: Int) -> Int64? {
        count == 0 ? nil : (2 * cost + Int64(count)) / (2 * Int64(count))
    }
}

/// A partner's contribution in one year (cost lines the partner pays, in CFA francs).
public struct PartnerContribution: Sendable, Hashable, Codable {
    public var year: Int
    public var partnerCode: String
    public var partnerName: String
    public var xof: Int64

    public init(year: Int, partnerCode: String, partnerName: String, xof: Int64) {
        (self.year, self.partnerCode, self.partnerName, self.xof) = (year, partnerCode, partnerName, xof)
    }
}

public struct MoneyReport: Sendable, Hashable, Codable {
    public var dimension: MoneyDimension?
    public var groups: [MoneyFigures]
    public var total: MoneyFigures
    public var contributions: [PartnerContribution]

    public init(dimension: MoneyDimension?, groups: [MoneyFigures], total: MoneyFigures, contributions: [PartnerContribution]) {
        (self.dimension, self.groups, self.total, self.contributions) = (dimension, groups, total, contributions)
    }
}
