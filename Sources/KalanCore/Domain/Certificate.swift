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
    /// This certificate's bit in the issuer's revocation status list (W3C Bitstring Status List).
    public var statusIndex: Int
    /// Which status list (1, 2, …): a list holds `CertificateIssuing.statusListSize` bits.
    public var statusList: Int = 1

    public init(
        id: UUID = UUID(), enrolmentID: UUID, serial: String, issuedOn: Day, expiresOn: Day?, credential: String, signingKeyID: String,
        revokedAt: Date? = nil, revokedBy: String? = nil, revokedReason: String? = nil, statusIndex: Int = 0, statusList: Int = 1
    ) {
        self.statusIndex = statusIndex
        self.statusList = statusList
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
    /// The credential's bit in the revocation status list, when it has one.
    public var statusIndex: Int?
    /// The signed credential this content was read from (the PDF carries it as an attachment).
    public var signedCredential: String?
    /// When it was revoked: the PDF then carries a visible mark.
    public var revokedOn: Day?
    /// The status list the bit belongs to (1, then 2 once the first list's entries are all used).
    public var statusList: Int = 1
    /// The credential's own id when it is not the verification URL (a reissued copy has its own).
    public var credentialID: String?
    /// When the proof is made (a reissue: now); nil: the issue day.
    public var signedAt: Date?

    public init(
        serial: String, issuedOn: Day, expiresOn: Day?, trainee: Trainee, course: Course, session: TrainingSession, partner: Partner,
        language: Language, verificationURL: String, statusIndex: Int? = nil, statusList: Int = 1, signedCredential: String? = nil,
        revokedOn: Day? = nil
    ) {
        self.statusIndex = statusIndex
        self.statusList = statusList
        self.signedCredential = signedCredential
        self.revokedOn = revokedOn
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
    /// What a signed credential states, read back from it (nil when it is not one of Kalan's).
    func statement(of credential: String) -> SignedStatement?
}

/// What a signed credential states about its holder and course: the record that the
/// verification page and the PDF show, whatever the register says today.
public struct SignedStatement: Sendable, Equatable {
    public var holder: String
    public var courseTitleFR: String?
    public var courseTitleEN: String?
    public var courseTitle: String
    public var courseCode: String
    public var hours: Double?
    public var modules: [(title: String, hours: Double)]
    public var partner: String
    public var sessionStart: Day?
    public var sessionEnd: Day?
    public var language: Language
    /// The certificate's serial as the credential gives it, and its validity days.
    public var serial: String?
    public var validFrom: Day?
    public var validUntil: Day?

    public init(
        holder: String, courseTitleFR: String?, courseTitleEN: String?, courseTitle: String, courseCode: String, hours: Double?,
        modules: [(title: String, hours: Double)], partner: String, sessionStart: Day?, sessionEnd: Day?, language: Language
    ) {
        self.holder = holder
        self.courseTitleFR = courseTitleFR
        self.courseTitleEN = courseTitleEN
        self.courseTitle = courseTitle
        self.courseCode = courseCode
        self.hours = hours
        self.modules = modules
        self.partner = partner
        self.sessionStart = sessionStart
        self.sessionEnd = sessionEnd
        self.language = language
    }

    public func title(in language: Language) -> String {
        (language == .en ? courseTitleEN : courseTitleFR) ?? courseTitle
    }

    public static func == (a: SignedStatement, b: SignedStatement) -> Bool {
        a.holder == b.holder && a.courseTitle == b.courseTitle && a.courseCode == b.courseCode && a.hours == b.hours
            && a.modules.map(\.title) == b.modules.map(\.title) && a.modules.map(\.hours) == b.modules.map(\.hours) && a.partner == b.partner
            && a.sessionStart == b.sessionStart && a.sessionEnd == b.sessionEnd && a.language == b.language
            && a.courseTitleFR == b.courseTitleFR && a.courseTitleEN == b.courseTitleEN
    }
}
