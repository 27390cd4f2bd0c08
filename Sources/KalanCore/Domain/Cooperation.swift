import Foundation

/// What a cost line pays for.
public enum CostKind: String, Sendable, Codable, CaseIterable {
    case tuition, travel, allowances, lodging, venue, other
}

/// Who pays a cost line: the partner (which one), the state, or another funder (named).
public enum PayerKind: String, Sendable, Codable, CaseIterable {
    case partner, state, other
}

extension CostKind: CatalogueNamed { public static var catalogueSection: String { "cooperation.kind" } }
extension PayerKind: CatalogueNamed { public static var catalogueSection: String { "cooperation.payer" } }

/// An amount spent on a session, its currency and rate, and who pays it.
public struct CostLine: Sendable, Hashable, Codable {
    public var id: UUID
    public var sessionCode: String
    public var kind: CostKind
    public var description: String?
    public var amount: Money
    public var rate: ExchangeRate
    /// The amount in CFA francs, as the database computed it (rounded half up).
    public var xof: Int64
    public var payer: PayerKind
    /// The paying partner's code (payer `partner`).
    public var payerPartnerCode: String?
    /// The paying partner's or other funder's name.
    public var payerName: String?
    public var createdAt: Date
    public var createdBy: String

    public init(
        id: UUID = UUID(), sessionCode: String, kind: CostKind, description: String?, amount: Money, rate: ExchangeRate, xof: Int64, payer: PayerKind,
        payerPartnerCode: String?, payerName: String?, createdAt: Date, createdBy: String
    ) {
        (self.id, self.sessionCode, self.kind, self.description, self.amount, self.rate, self.xof) = (id, sessionCode, kind, description, amount, rate, xof)
        (self.payer, self.payerPartnerCode, self.payerName, self.createdAt, self.createdBy) = (payer, payerPartnerCode, payerName, createdAt, createdBy)
    }

    /// Who pays, as a reader names them: the partner's or funder's name, or "the state".
    public func funder(_ language: Language) -> String {
        switch payer {
        case .state: Messages.text("cooperation.payer.state", language)
        case .partner, .other: payerName ?? payerPartnerCode ?? ""
        }
    }
}

/// A new cost line as typed: amounts and rates are texts read exactly (never through a floating point).
public struct CostLineInput: Sendable {
    public var sessionCode: String
    public var kind: String
    public var description: String?
    public var amount: String
    public var currency: String?
    public var rate: String?
    public var payer: String
    /// For payer `partner`: the partner's code (the session's partner when empty).
    public var payerPartner: String?
    /// For payer `other`: the funder's name.
    public var payerName: String?

    public init(
        sessionCode: String, kind: String, description: String? = nil, amount: String, currency: String? = nil, rate: String? = nil, payer: String,
        payerPartner: String? = nil, payerName: String? = nil
    ) {
        (self.sessionCode, self.kind, self.description, self.amount, self.currency, self.rate) = (sessionCode, kind, description, amount, currency, rate)
        (self.payer, self.payerPartner, self.payerName) = (payer, payerPartner, payerName)
    }
}

/// A new line ready for storage: checked, its partner found.
public struct CostLineRecord: Sendable {
    public var id: UUID
    public var sessionID: UUID
    public var kind: CostKind
    public var description: String?
    public var amount: Money
    public var rate: ExchangeRate
    public var payer: PayerKind
    public var payerPartnerID: UUID?
    public var payerName: String?
    public var createdBy: String

    public init(
        id: UUID = UUID(), sessionID: UUID, kind: CostKind, description: String?, amount: Money, rate: ExchangeRate, payer: PayerKind, payerPartnerID: UUID?,
        payerName: String?, createdBy: String
    ) {
        (self.id, self.sessionID, self.kind, self.description, self.amount, self.rate) = (id, sessionID, kind, description, amount, rate)
        (self.payer, self.payerPartnerID, self.payerName, self.createdBy) = (payer, payerPartnerID, payerName, createdBy)
    }
}

/// What a session's participants went through, for the money per head: given a seat, completed,
/// certified (valid certificates).
public struct SessionCounts: Sendable, Hashable, Codable {
    public var participants: Int
    public var completions: Int
    public var certificates: Int

    public init(participants: Int, completions: Int, certificates: Int) {
        (self.participants, self.completions, self.certificates) = (participants, completions, certificates)
    }
}

/// Storage of cost lines, offers and files abroad.
public protocol CooperationStore: AbroadStore, OfferStore {
    func insert(_ line: CostLineRecord) async throws
    func costLines(sessionID: UUID) async throws -> [CostLine]
    /// Removes a line of the session; false when there is none of this id.
    func deleteCostLine(id: UUID, sessionID: UUID) async throws -> Bool
    func sessionCounts(sessionID: UUID) async throws -> SessionCounts
    /// Money figures over the query's sessions, grouped (see `MoneyQuery`).
    func money(_ query: MoneyQuery) async throws -> MoneyReport
}
