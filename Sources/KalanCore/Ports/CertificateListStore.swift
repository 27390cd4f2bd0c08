import Foundation

/// One line of the certificates list: the certificate and who, what and when it is for.
public struct CertificateListing: Sendable, Hashable {
    public var certificate: Certificate
    public var staffNumber: String
    public var holder: String
    public var sessionCode: String
    public var courseTitleFR: String
    public var courseTitleEN: String

    public init(certificate: Certificate, staffNumber: String, holder: String, sessionCode: String, courseTitleFR: String, courseTitleEN: String) {
        (self.certificate, self.staffNumber, self.holder, self.sessionCode) = (certificate, staffNumber, holder, sessionCode)
        (self.courseTitleFR, self.courseTitleEN) = (courseTitleFR, courseTitleEN)
    }

    public func courseTitle(in language: Language) -> String { language == .fr ? courseTitleFR : courseTitleEN }
}

/// The certificates list of the pages: every word of `search` must occur in the serial, the
/// session code or the holder's name or staff number (accents and case aside).
public protocol CertificateListStore: Sendable {
    func certificateListing(search: String?, limit: Int) async throws -> [CertificateListing]
    func certificateCount(search: String?) async throws -> Int
}
