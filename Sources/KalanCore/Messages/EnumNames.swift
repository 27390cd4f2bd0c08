/// The names people read for Kalan's codes, from the message catalogue.
public protocol CatalogueNamed: RawRepresentable where RawValue == String {
    /// The catalogue section of the type's names (`session.status`).
    static var catalogueSection: String { get }
}

extension CatalogueNamed {
    public func name(in language: Language) -> String { Messages.text("\(Self.catalogueSection).\(rawValue)", language) }
}

extension SessionStatus: CatalogueNamed { public static var catalogueSection: String { "session.status" } }
extension EnrolmentStatus: CatalogueNamed { public static var catalogueSection: String { "enrolment.status" } }
extension AttendanceStatus: CatalogueNamed { public static var catalogueSection: String { "attendance" } }
extension AssessmentKind: CatalogueNamed { public static var catalogueSection: String { "assessment" } }
extension Role: CatalogueNamed { public static var catalogueSection: String { "role" } }
extension DeliveryMode: CatalogueNamed { public static var catalogueSection: String { "delivery_mode" } }
extension PartnerKind: CatalogueNamed { public static var catalogueSection: String { "partner_kind" } }
extension DepartmentKind: CatalogueNamed { public static var catalogueSection: String { "department_kind" } }
extension CohortDimension: CatalogueNamed { public static var catalogueSection: String { "dimension" } }
extension Certificate.Status: CatalogueNamed { public static var catalogueSection: String { "certificate.status" } }

/// Names of free-text codes that the catalogue may know: a course domain, a sex, a country, a city.
public enum Names {
    public static func domain(_ code: String, _ language: Language) -> String { Messages.optionalText("domain.\(code)", language) ?? code }
    public static func sex(_ code: String, _ language: Language) -> String { Messages.optionalText("sex.\(code)", language) ?? code }
    public static func country(_ code: String, _ language: Language) -> String { Messages.optionalText("country.\(code)", language) ?? code }
    public static func city(_ name: String, _ language: Language) -> String { Messages.optionalText("city.\(name)", language) ?? name }
}
