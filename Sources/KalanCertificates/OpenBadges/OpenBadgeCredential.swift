import Crypto
import Foundation

/// A Kalan training certificate as a 1EdTech Open Badges 3.0 `OpenBadgeCredential`
/// (a W3C Verifiable Credential 2.0 document), ready to be signed with eddsa-jcs-2022.
///
/// Dates are VC 2.0's `validFrom`/`validUntil` only (no VC 1.1 `issuanceDate`), so the document
/// validates against the current OB 3.0 schema. Kalan-specific facts with no OB 3.0 property
/// (`serialNumber`, `trainingHours`, `trainingModules`, `hours`, `nameTranslations`) are defined by
/// Kalan's own context (`KalanContext`), listed last, so a JSON-LD expansion drops nothing.
/// Revocation travels with the credential as a `BitstringStatusListEntry` (purpose `revocation`).
public struct OpenBadgeCredential: Sendable {
    public static let context: [String] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    public static let types: [String] = ["VerifiableCredential", "OpenBadgeCredential"]

    public let facts: CertificateFacts
    /// Salt of the trainee's hashed staff number; random unless given (tests pass one for stable output).
    public let identitySalt: String

    public init(facts: CertificateFacts, identitySalt: String? = nil) throws(CertificateFactsError) {
        try facts.validate()
        self.facts = facts
        self.identitySalt = identitySalt ?? Self.randomSalt()
    }

    /// `sha256$<hex>` of the staff number followed by the salt, the OB 3.0 IdentityHash form.
    public var traineeIdentityHash: String {
        "sha256$" + hex(SHA256.hash(data: Array((facts.traineeStaffNumber + identitySalt).utf8)))
    }

    /// The unsigned credential.
    public var document: JSONValue {
        let issued = RFC3339.string(from: facts.issuedAt)
        var credential: JSONObject = [
            "@context": .array((Self.context + [KalanContext.url(issuerId: facts.issuerId)]).map(JSONValue.string)),
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
        credential["serialNumber"] = .string(facts.serial)
        credential["credentialSubject"] = credentialSubject
        credential["evidence"] = [partnerEvidence]
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

    private var issuerProfile: JSONValue {
        ["id": .string(facts.issuerId), "type": ["Profile"], "name": .string(facts.issuerName)]
    }

    private var credentialSubject: JSONValue {
        [
            "type": ["AchievementSubject"],
            "identifier": [
                // The staff number is hashed: a credential travels, the staff number must not leak.
                [
                    "type": "IdentityObject", "identityHash": .string(traineeIdentityHash),
                    "identityType": "identifier", "hashed": true, "salt": .string(identitySalt),
                ],
                // The name is printed on the certificate anyway, so it is given in clear.
                [
                    "type": "IdentityObject", "identityHash": .string(facts.traineeFullName),
                    "identityType": "name", "hashed": false,
                ],
            ],
            "activityStartDate": .string(RFC3339.string(from: facts.sessionStart)),
            "activityEndDate": .string(RFC3339.string(from: facts.sessionEnd)),
            "achievement": achievement,
        ]
    }

    private var achievement: JSONValue {
        [
            "id": .string(achievementId),
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": .string(facts.title),
            "description": .string(text.achievementDescription),
            "criteria": ["narrative": .string(text.criteriaNarrative)],
            "humanCode": .string(facts.courseCode),
            "fieldOfStudy": .string(facts.domain),
            "inLanguage": .string(facts.isEnglish ? "en" : "fr"),
            "nameTranslations": ["fr": .string(facts.titleFrench), "en": .string(facts.titleEnglish)],
            "trainingHours": .number(facts.hours),
            "trainingModules": .array(
                facts.modules.map { ["name": .string($0.title), "hours": .number($0.hours)] }),
        ]
    }

    /// The partner institution, named as co-issuer of the training it delivered.
    private var partnerEvidence: JSONValue {
        [
            "type": ["Evidence"],
            "name": .string("\(facts.partnerName) (\(facts.partnerCountry))"),
            "description": .string(text.partnerDescription),
        ]
    }

    /// One achievement per course, under the issuer: `<issuer>/achievements/<course code>`.
    private var achievementId: String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let code = facts.courseCode.addingPercentEncoding(withAllowedCharacters: allowed) ?? facts.courseCode
        let base = facts.issuerId.hasSuffix("/") ? String(facts.issuerId.dropLast()) : facts.issuerId
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

/// The human sentences of a certificate, in its language.
struct CertificateText {
    let facts: CertificateFacts

    private var start: String { RFC3339.dayString(from: facts.sessionStart) }
    private var end: String { RFC3339.dayString(from: facts.sessionEnd) }

    /// 35 → "35", 7.5 → "7.5" (French: "7,5").
    func hours(_ value: Double) -> String {
        let plain = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return facts.isEnglish ? plain : plain.replacingOccurrences(of: ".", with: ",")
    }

    var credentialName: String {
        facts.isEnglish ? "Training certificate: \(facts.title)" : "Certificat de formation : \(facts.title)"
    }

    var credentialDescription: String {
        facts.isEnglish
            ? "Certificate \(facts.serial) awarded to \(facts.traineeFullName) by \(facts.issuerName)."
            : "Certificat \(facts.serial) délivré à \(facts.traineeFullName) par \(facts.issuerName)."
    }

    var achievementDescription: String {
        let modules = facts.modules.map { "\($0.title) (\(hours($0.hours)) h)" }
        if facts.isEnglish {
            return "\(facts.title): a \(hours(facts.hours))-hour course in \(facts.domain)."
                + (modules.isEmpty ? "" : " Modules: " + modules.joined(separator: "; ") + ".")
        }
        return "\(facts.title) : formation de \(hours(facts.hours)) heures en \(facts.domain)."
            + (modules.isEmpty ? "" : " Modules : " + modules.joined(separator: " ; ") + ".")
    }

    var criteriaNarrative: String {
        let list = facts.modules.map { "\n- \($0.title) (\(hours($0.hours)) h)" }.joined()
        if facts.isEnglish {
            return "Attended the full session from \(start) to \(end) (\(hours(facts.hours)) hours), "
                + "delivered with \(facts.partnerName) (\(facts.partnerCountry))" + (list.isEmpty ? "." : ":" + list)
        }
        return "A suivi l’intégralité de la session du \(start) au \(end) (\(hours(facts.hours)) heures). "
            + "Organisme de formation partenaire : \(facts.partnerName) (\(facts.partnerCountry))" + (list.isEmpty ? "." : ". Modules :" + list)
    }

    var partnerDescription: String {
        facts.isEnglish
            ? "Partner institution and co-issuer: delivered the session of \(start) to \(end)."
            : "Institution partenaire et co-émettrice : a dispensé la session du \(start) au \(end)."
    }
}
