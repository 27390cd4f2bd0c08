import Foundation

/// A certificate issued to a completed enrolment, with its signed credential.
public struct Certificate: Sendable, Codable, Hashable {
    public var id: UUID
    public var enrolmentID: UUID
    public var serial: String
    public var issuedOn: Day
    public var expiresOn: Day?
    /// The signed Open Badges 3.0 credential, as JSON text.
    public var credential: String
    public var signingKeyID: String
    public var revokedAt: Date?
    public var revokedBy: String?
    public var revokedReason: String?

    public init(
        id: UUID = UUID(), enrolmentID: UUID, serial: String, issuedOn: Day, expiresOn: Day?, credential: String, signingKeyID: String,
        revokedAt: Date? = nil, revokedBy: String? = nil, revokedReason: String? = nil
    ) {
        self.id = id
        self.enrolmentID = enrolmentID
        self.serial = serial
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.credential = credential
        self.signingKeyID = signingKeyID
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.revokedReason = revokedReason
    }

    public enum Status: String, Sendable, Codable {
        case valid, revoked, expired
    }

    /// Revocation wins over expiry; expiry starts the day after `expiresOn`.
    public func status(on day: Day) -> Status {
        if revokedAt != nil { return .revoked }
        if let expiresOn, day > expiresOn { return .expired }
        return .valid
    }
}

/// Everything a certificate states, gathered from the register: what the PDF prints and the
/// credential signs.
public struct CertificateContent: Sendable, Codable, Hashable {
    public var serial: String
    public var issuedOn: Day
    public var expiresOn: Day?
    public var trainee: Trainee
    public var course: Course
    public var session: TrainingSession
    public var partner: Partner
    public var language: Language
    /// The public page that checks this certificate (also in the QR code).
    public var verificationURL: String

    public init(
        serial: String, issuedOn: Day, expiresOn: Day?, trainee: Trainee, course: Course, session: TrainingSession, partner: Partner,
        language: Language, verificationURL: String
    ) {
        self.serial = serial
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.trainee = trainee
        self.course = course
        self.session = session
        self.partner = partner
        self.language = language
        self.verificationURL = verificationURL
    }
}

/// Signs credentials with the issuer's key (KalanCertificates provides it).
public protocol CredentialIssuer: Sendable {
    /// The verification method id of the current key, e.g. a `did:key` URL.
    var keyID: String { get }
    var publicKeyMultibase: String { get }
    /// The signed credential as JSON text.
    func signedCredential(for content: CertificateContent) throws -> String
    /// Whether a stored credential's proof verifies with the given public key.
    func verify(credential: String, publicKeyMultibase: String) -> Bool
}
