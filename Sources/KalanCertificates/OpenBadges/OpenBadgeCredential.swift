import Crypto
import Foundation

/// A Kalan training certificate as a 1EdTech Open Badges 3.0 `OpenBadgeCredential`
/// (a W3C Verifiable Credential 2.0 document), ready to be signed.
///
/// Only the standard contexts (VC 2.0, OB 3.0.3) and their terms, so that a verifier that loads
/// nothing else reads every term and a JSON-LD expansion drops nothing:
/// - the serial is the last segment of the credential's `id` (`<public URL>/verify/<serial>`, a
///   reissued copy `…#copy-<uuid>`) and is written in `description`;
/// - hours and modules are the achievement's `criteria.narrative` (Markdown: one line per module,
///   `- title (N h)`) and `description`;
/// - the other language's title is a `related` achievement with its `inLanguage` and `name`;
/// - the partner institution is the achievement's `creator` (a Profile with its country);
/// - the holder is named, and identified by a salted hash of the e-mail where there is one.
///
/// Dates are VC 2.0's `validFrom`/`validUntil` only (no VC 1.1 `issuanceDate`), so the document
/// validates against the current OB 3.0 schema. Revocation travels with the credential as a
/// `BitstringStatusListEntry` (purpose `revocation`).
public struct OpenBadgeCredential: Sendable {
    public static let context: [String] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    public static let types: [String] = ["VerifiableCredential", "OpenBadgeCredential"]

    public let facts: CertificateFacts
    /// Salt of the trainee's hashed e-mail; random unless given (tests pass one for stable output).
    public let identitySalt: String

    public init(facts: CertificateFacts, identitySalt: String? = nil) throws(CertificateFactsError) {
        try facts.validate()
        self.facts = facts
        self.identitySalt = identitySalt ?? Self.randomSalt()
    }

    /// `sha256$<hex>` of the e-mail (trimmed, lower-cased) followed by the salt, the OB 3.0
    /// IdentityHash form; nil without an e-mail.
    public var traineeIdentityHash: String? {
        guard let email = Self.normalisedEmail(facts.traineeEmail) else { return nil }
        return Self.identityHash(email, salt: identitySalt)
    }

    /// `sha256$` + hex(SHA-256(value + salt)).
    public static func identityHash(_ value: String, salt: String) -> String {
        "sha256$" + hex(SHA256.hash(data: Array((value + salt).utf8)))
    }

    static func normalisedEmail(_ email: String?) -> String? {
        guard let email = email?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), email.contains("@") else { return nil }
        return email
    }

    /// The unsigned credential.
    public var document: JSONValue {
        let issued = RFC3339.string(from: facts.issuedAt)
        var credential: JSONObject = [
            "@context": .array(Self.context.map(JSONValue.string)),
            "id": .string(facts.credentialId),
            "type": .array(Self.types.map(JSONValue.string)),
            "name": .string(text.credentialName),
            "description": .string(text.credentialDescription),
            "issuer": issuerProfile,
            "validFrom": .string(issued),
        ]
        if let expiresAt = facts.expiresAt {
            credential["validUntil"] = .string(RFC3339.string(from: expiresAt))
        }
        credential["credentialSubject"] = credentialSubject
        if let status = facts.status {
            credential["credentialStatus"] = [
                "id": .string("\(status.listCredential)#\(status.index)"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": .string(String(status.index)), "statusListCredential": .string(status.listCredential),
            ]
        }
        return .object(credential)
    }

    /// The credential signed by `key`; `created` defaults to the issue date.
    /// The proof is embedded as a one-element array: the current OB 3.0 schema accepts only an array,
    /// and Data Integrity allows a proof set, whose proofs are each verified without the `proof` member.
    public func signed(with key: Ed25519SigningKey, verificationMethod: String, created: Date? = nil) throws(ProofCreationError) -> JSONValue {
        var signed = try EddsaRdfc2022.sign(
            document: document, key: key, verificationMethod: verificationMethod,
            created: RFC3339.string(from: created ?? facts.issuedAt))
        if let proof = signed["proof"] { signed["proof"] = [proof] }
        return signed
    }

    // MARK: - Parts

    private var text: CertificateText { CertificateText(facts: facts) }

    private var emblem: JSONValue { ["id": .string(MinistryEmblem.dataURI), "type": "Image", "caption": .string(facts.issuerName)] }

    private var issuerProfile: JSONValue {
        ["id": .string(facts.issuerId), "type": ["Profile"], "name": .string(facts.issuerName), "image": emblem]
    }

    private var credentialSubject: JSONValue {
        var identifiers: [JSONValue] = []
        if let hash = traineeIdentityHash {
            // OB 3.0's form: a verifier who is told the e-mail checks it; nobody can read it back.
            identifiers.append(
                [
                    "type": "IdentityObject", "identityHash": .string(hash), "identityType": "emailAddress", "hashed": true,
                    "salt": .string(identitySalt),
                ])
        }
        // The name is printed on the certificate anyway, so it is given in clear.
        identifiers.append(["type": "IdentityObject", "identityHash": .string(facts.traineeFullName), "identityType": "name", "hashed": false])
        return [
            "type": ["AchievementSubject"],
            "identifier": .array(identifiers),
            "activityStartDate": .string(RFC3339.string(from: facts.sessionStart)),
            "activityEndDate": .string(RFC3339.string(from: facts.sessionEnd)),
            "achievement": achievement,
        ]
    }

    private var achievement: JSONValue {
        let other = facts.isEnglish ? ("fr", facts.titleFrench) : ("en", facts.titleEnglish)
        return [
            "id": .string(achievementId),
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": .string(facts.title),
            "description": .string(text.achievementDescription),
            "criteria": ["narrative": .string(text.criteriaNarrative)],
            "humanCode": .string(facts.courseCode),
            "fieldOfStudy": .string(facts.domain),
            "inLanguage": .string(facts.isEnglish ? "en" : "fr"),
            "image": ["id": .string(MinistryEmblem.dataURI), "type": "Image", "caption": .string(facts.title)],
            "creator": partnerProfile,
            // The same course in the other language (OB 3.0: "alternate language editions").
            "related": [["id": .string("\(achievementId)?lang=\(other.0)"), "type": ["Related"], "inLanguage": .string(other.0), "name": .string(other.1)]],
        ]
    }

    /// The partner institution that delivered the training, as the achievement's creator.
    private var partnerProfile: JSONValue {
        var address: JSONObject = ["type": ["Address"], "addressCountry": .string(facts.partnerCountry)]
        if let code = facts.partnerCountryCode, code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            address["addressCountryCode"] = .string(code)
        }
        return [
            "id": .string(facts.partnerId ?? "\(facts.credentialId.prefix { $0 != "#" })#partner"), "type": ["Profile"],
            "name": .string(facts.partnerName), "description": .string(text.partnerDescription), "address": .object(address),
        ]
    }

    /// One achievement per course, under the issuer: `<issuer>/achievements/<course code>`.
    private var achievementId: String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let code = facts.courseCode.addingPercentEncoding(withAllowedCharacters: allowed) ?? facts.courseCode
        let root = facts.achievementBase ?? facts.issuerId
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return "\(base)/achievements/\(code)"
    }

    private static func randomSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// Lowercase hexadecimal of bytes.
func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
    return String(decoding: out, as: UTF8.self)
}
