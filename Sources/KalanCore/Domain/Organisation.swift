import Foundation

public enum DepartmentKind: String, Sendable, Codable, CaseIterable {
    case ministry, cabinet, direction, service, agency, other
}

/// An org unit: direction, service or agency; departments form a tree.
public struct Department: Sendable, Codable, Hashable {
    public var id: UUID
    public var code: String
    public var nameFR: String
    public var nameEN: String
    public var kind: DepartmentKind
    public var parentID: UUID?

    public init(id: UUID = UUID(), code: String, nameFR: String, nameEN: String, kind: DepartmentKind, parentID: UUID? = nil) {
        self.id = id
        self.code = code
        self.nameFR = nameFR
        self.nameEN = nameEN
        self.kind = kind
        self.parentID = parentID
    }

    public func name(in language: Language) -> String { language == .fr ? nameFR : nameEN }
}

/// A staff member's sex as the register records it (F or M): the statistics count women by it.
public enum Sex: String, Sendable, Codable, Hashable, CaseIterable {
    case female = "F", male = "M"
}

/// A staff member of the ministry.
public struct Trainee: Sendable, Codable, Hashable {
    public var id: UUID
    public var staffNumber: String
    public var givenName: String
    public var familyName: String
    public var sex: Sex
    public var category: String?
    public var position: String?
    public var departmentID: UUID?
    public var email: String?
    public var phone: String?
    public var active: Bool
    public var version: Int

    public init(
        id: UUID = UUID(), staffNumber: String, givenName: String, familyName: String, sex: Sex, category: String? = nil,
        position: String? = nil, departmentID: UUID? = nil, email: String? = nil, phone: String? = nil, active: Bool = true,
        version: Int = 1
    ) {
        self.id = id
        self.staffNumber = staffNumber
        self.givenName = givenName
        self.familyName = familyName
        self.sex = sex
        self.category = category
        self.position = position
        self.departmentID = departmentID
        self.email = email
        self.phone = phone
        self.active = active
        self.version = version
    }

    public var fullName: String { "\(givenName) \(familyName)" }
}

public enum PartnerKind: String, Sendable, Codable, CaseIterable {
    case government, university, internationalOrganisation = "international_organisation"
    case nationalAgency = "national_agency", `private`
}

/// A partner institution that delivers training.
public struct Partner: Sendable, Codable, Hashable {
    public var id: UUID
    public var code: String
    public var name: String
    public var kind: PartnerKind
    public var country: String

    public init(id: UUID = UUID(), code: String, name: String, kind: PartnerKind, country: String) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.country = country
    }
}
