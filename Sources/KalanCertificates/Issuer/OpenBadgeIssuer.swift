import Foundation
import KalanCore

/// Signs Kalan's certificates as Open Badges 3.0 credentials with an `eddsa-jcs-2022` proof,
/// naming the key by `did:key` so that anyone can verify offline.
public struct OpenBadgeIssuer: CredentialIssuer {
    public let key: Ed25519SigningKey
    public let publicURL: String
    public static let ministryFR = Messages.text("layout.ministry", .fr)
    public static let ministryEN = Messages.text("layout.ministry", .en)

    public init(key: Ed25519SigningKey, publicURL: String) {
        self.key = key
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    public var keyID: String { key.didKeyVerificationMethod }
    public var publicKeyMultibase: String { key.publicKeyMultibase }

    public func signedCredential(for content: CertificateContent) throws -> String {
        try credential(for: content).serialized()
    }

    public func credential(for content: CertificateContent) throws -> JSONValue {
        let facts = CertificateFacts(
            serial: content.serial, credentialId: content.verificationURL, issuerId: "\(publicURL)/issuer",
            issuerName: Messages.text("layout.ministry", content.language),
            partnerName: content.partner.name, partnerCountry: content.partner.country,
            traineeGivenName: content.trainee.givenName, traineeFamilyName: content.trainee.familyName,
            traineeStaffNumber: content.trainee.staffNumber, courseCode: content.course.code, titleFrench: content.course.titleFR,
            titleEnglish: content.course.titleEN, domain: content.course.domain, hours: Double(content.course.hours),
            modules: content.course.modules.map { .init(title: $0.title(in: content.language), hours: Double($0.hours)) },
            sessionStart: content.session.startsOn.startOfDay, sessionEnd: content.session.endsOn.startOfDay,
            issuedAt: content.issuedOn.startOfDay, expiresAt: content.expiresOn?.startOfDay, language: content.language.rawValue)
        return try OpenBadgeCredential(facts: facts).signed(with: key, verificationMethod: keyID, created: content.issuedOn.startOfDay)
    }

    public func verify(credential: String, publicKeyMultibase: String) -> Bool {
        guard let document = try? JSONValue(parsing: credential), let publicKey = try? Multikey.publicKey(fromMultibase: publicKeyMultibase) else {
            return false
        }
        return DataIntegrity.verify(document, publicKey: publicKey).isVerified
    }

    /// The issuer profile the server publishes: every key that ever signed, current first.
    public func profile(keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        var methods: [JSONValue] = []
        for listed in keys.sorted(by: { ($0.id == keyID ? 0 : 1) < ($1.id == keyID ? 0 : 1) }) {
            methods.append(
                .object([
                    "id": .string(listed.id), "type": "Multikey", "controller": .string("\(publicURL)/issuer"),
                    "publicKeyMultibase": .string(listed.publicKeyMultibase),
                ]))
        }
        return .object([
            "@context": .array(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]),
            "id": .string("\(publicURL)/issuer"), "type": .array(["Profile"]), "name": .string(Self.ministryFR),
            "verificationMethod": .array(methods),
        ])
    }
}
