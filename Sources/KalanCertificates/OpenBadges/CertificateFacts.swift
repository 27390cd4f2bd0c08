import Foundation

/// What Kalan knows about one certificate, in plain values, before it becomes a credential.
public struct CertificateFacts: Sendable, Equatable {
    /// A part of the course and its length.
    public struct Module: Sendable, Equatable {
        public var title: String
        public var hours: Double

        public init(title: String, hours: Double) {
            self.title = title
            self.hours = hours
        }
    }

    /// The certificate's printed serial number, e.g. "KLN-2026-000123".
    public var serial: String
    /// `urn:uuid:…` or an https URL where the credential can be fetched.
    public var credentialId: String
    /// The ministry: an https URL identifying it, and its name.
    public var issuerId: String
    /// Where the achievements live (`<base>/achievements/<code>`): the issuer's Open Badges profile
    /// URL when the issuer is a DID; nil: `issuerId`.
    public var achievementBase: String?
    public var issuerName: String
    /// The partner institution that co-delivers the course: the achievement's `creator`.
    public var partnerName: String
    /// The partner's country as people read it ("Iran"), and its ISO 3166-1 code when known ("IR").
    public var partnerCountry: String
    public var partnerCountryCode: String?
    /// A stable id for the partner's profile (`urn:uuid:…`); the credential's own id with `#partner` when nil.
    public var partnerId: String?
    public var traineeGivenName: String
    public var traineeFamilyName: String
    /// The trainee's e-mail, published only as a salted SHA-256 hash (never the staff number, which
    /// is guessable); nil: the credential names the trainee only.
    public var traineeEmail: String?
    public var courseCode: String
    public var titleFrench: String
    public var titleEnglish: String
    /// The field of study as people read it in the credential's language, e.g. "Santé publique"
    /// (never an internal code such as `digital_services`).
    public var domain: String
    public var hours: Double
    public var modules: [Module]
    public var sessionStart: Date
    public var sessionEnd: Date
    public var issuedAt: Date
    public var expiresAt: Date?
    /// BCP 47 code of the credential's language: "fr" (default) or "en".
    public var language: String
    /// The credential's place in the issuer's revocation status list, when it has one.
    public var status: StatusEntry?

    /// A `BitstringStatusListEntry`: the status list credential's URL and this credential's bit in it.
    public struct StatusEntry: Sendable, Equatable {
        public var listCredential: String
        public var index: Int

        public init(listCredential: String, index: Int) {
            self.listCredential = listCredential
            self.index = index
        }
    }

    public init(
        serial: String, credentialId: String, issuerId: String, achievementBase: String? = nil, issuerName: String,
        partnerName: String, partnerCountry: String, partnerCountryCode: String? = nil, partnerId: String? = nil,
        traineeGivenName: String, traineeFamilyName: String, traineeEmail: String? = nil,
        courseCode: String, titleFrench: String, titleEnglish: String, domain: String,
        hours: Double, modules: [Module],
        sessionStart: Date, sessionEnd: Date, issuedAt: Date, expiresAt: Date? = nil,
        language: String = "fr", status: StatusEntry? = nil
    ) {
        self.serial = serial
        self.credentialId = credentialId
        self.issuerId = issuerId
        self.achievementBase = achievementBase
        self.issuerName = issuerName
        self.partnerName = partnerName
        self.partnerCountry = partnerCountry
        self.partnerCountryCode = partnerCountryCode
        self.partnerId = partnerId
        self.traineeGivenName = traineeGivenName
        self.traineeFamilyName = traineeFamilyName
        self.traineeEmail = traineeEmail
        self.courseCode = courseCode
        self.titleFrench = titleFrench
        self.titleEnglish = titleEnglish
        self.domain = domain
        self.hours = hours
        self.modules = modules
        self.sessionStart = sessionStart
        self.sessionEnd = sessionEnd
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.language = language
        self.status = status
    }

    /// True for English; every other code gets French, Kalan's default.
    var isEnglish: Bool { language.lowercased().hasPrefix("en") }

    var title: String { isEnglish ? titleEnglish : titleFrench }
    var traineeFullName: String { "\(traineeGivenName) \(traineeFamilyName)" }
}

/// Why facts cannot become a credential.
public enum CertificateFactsError: Error, Sendable, Equatable {
    /// The credential id must be `urn:uuid:<uuid>` or an http(s) URL.
    case invalidCredentialId
    /// The issuer id must be an http(s) URL, or a did:web with an http(s) achievement base.
    case invalidIssuerId
    case missingField(String)
    case sessionEndsBeforeItStarts
    case expiryNotAfterIssue
    case invalidHours
}

extension CertificateFacts {
    func validate() throws(CertificateFactsError) {
        let required: [(String, String)] = [
            ("serial", serial), ("issuerName", issuerName), ("partnerName", partnerName),
            ("partnerCountry", partnerCountry), ("traineeGivenName", traineeGivenName),
            ("traineeFamilyName", traineeFamilyName),
            ("courseCode", courseCode), ("titleFrench", titleFrench), ("titleEnglish", titleEnglish), ("domain", domain),
        ]
        for (name, value) in required where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .missingField(name)
        }
        guard Self.isHTTPURL(credentialId) || Self.isUUIDURN(credentialId) else { throw .invalidCredentialId }
        guard Self.isHTTPURL(issuerId) || (issuerId.hasPrefix("did:web:") && achievementBase.map(Self.isHTTPURL) == true) else {
            throw .invalidIssuerId
        }
        guard sessionEnd >= sessionStart else { throw .sessionEndsBeforeItStarts }
        if let expiresAt, expiresAt <= issuedAt { throw .expiryNotAfterIssue }
        guard hours.isFinite, hours > 0, modules.allSatisfy({ $0.hours.isFinite && $0.hours >= 0 }) else {
            throw .invalidHours
        }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return (scheme == "https" || scheme == "http") && !host.isEmpty
    }

    static func isUUIDURN(_ text: String) -> Bool {
        let prefix = "urn:uuid:"
        guard text.lowercased().hasPrefix(prefix) else { return false }
        return UUID(uuidString: String(text.dropFirst(prefix.count))) != nil
    }
}
