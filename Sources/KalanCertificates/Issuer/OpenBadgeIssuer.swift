import Foundation
import KalanCore

/// Signs Kalan's certificates as Open Badges 3.0 credentials with an `eddsa-rdfc-2022` proof (Kalan
/// still verifies the `eddsa-jcs-2022` proofs of the credentials it signed before).
///
/// The verification method is an https key id under the issuer profile,
/// `<public URL>/issuer#<publicKeyMultibase>`: the profile lists it under `verificationMethod`
/// and `assertionMethod` with the profile as its `controller`, which binds the key to the
/// ministry. Keys that signed before (did:key ids) stay listed, so old credentials still verify.
public struct OpenBadgeIssuer: CredentialIssuer {
    public let key: Ed25519SigningKey
    public let publicURL: String
    public static let ministryFR = Messages.text("layout.ministry", .fr)
    public static let ministryEN = Messages.text("layout.ministry", .en)
    /// Kalan serves one revocation status list.
    public static let statusListPath = "/status/1"

    public init(key: Ed25519SigningKey, publicURL: String) {
        self.key = key
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    public var issuerID: String { "\(publicURL)/issuer" }
    public var keyID: String { "\(issuerID)#\(key.publicKeyMultibase)" }
    public var publicKeyMultibase: String { key.publicKeyMultibase }
    public var statusListURL: String { publicURL + Self.statusListPath }
    public var contextURL: String { KalanContext.url(base: publicURL) }

    public func signedCredential(for content: CertificateContent) throws -> String {
        try credential(for: content).serialized()
    }

    public func credential(for content: CertificateContent) throws -> JSONValue {
        let facts = CertificateFacts(
            serial: content.serial, credentialId: content.verificationURL, issuerId: issuerID,
            issuerName: Messages.text("layout.ministry", content.language),
            partnerName: content.partner.name, partnerCountry: content.partner.country,
            traineeGivenName: content.trainee.givenName, traineeFamilyName: content.trainee.familyName,
            traineeStaffNumber: content.trainee.staffNumber, courseCode: content.course.code, titleFrench: content.course.titleFR,
            titleEnglish: content.course.titleEN, domain: content.course.domain, hours: Double(content.course.hours),
            modules: content.course.modules.map { .init(title: $0.title(in: content.language), hours: Double($0.hours)) },
            sessionStart: content.session.startsOn.startOfDay, sessionEnd: content.session.endsOn.startOfDay,
            issuedAt: content.issuedOn.startOfDay, expiresAt: content.expiresOn?.startOfDay, language: content.language.rawValue,
            status: content.statusIndex.map { .init(listCredential: statusListURL, index: $0) })
        return try OpenBadgeCredential(facts: facts).signed(with: key, verificationMethod: keyID, created: content.issuedOn.startOfDay)
    }

    public func verify(credential: String, publicKeyMultibase: String) -> Bool {
        guard let document = try? JSONValue(parsing: credential), let publicKey = try? Multikey.publicKey(fromMultibase: publicKeyMultibase) else {
            return false
        }
        return DataIntegrity.verify(document, publicKey: publicKey).isVerified
    }

    public func statement(of credential: String) -> SignedStatement? {
        guard let document = try? JSONValue(parsing: credential) else { return nil }
        return Self.statement(of: document)
    }

    /// What a Kalan credential states, read from its JSON.
    public static func statement(of document: JSONValue) -> SignedStatement? {
        guard let subject = document["credentialSubject"], let achievement = subject["achievement"] else { return nil }
        let identifiers = subject["identifier"]?.arrayValue ?? []
        guard let holder = identifiers.first(where: { $0["identityType"]?.stringValue == "name" })?["identityHash"]?.stringValue,
            let title = achievement["name"]?.stringValue
        else { return nil }
        let modules: [(title: String, hours: Double)] = (achievement["trainingModules"]?.arrayValue ?? []).compactMap { module in
            guard let name = module["name"]?.stringValue else { return nil }
            return (name, module["hours"]?.numberValue ?? 0)
        }
        let partner = document["evidence"]?[0]?["name"]?.stringValue ?? ""
        func day(_ value: JSONValue?) -> Day? { value?.stringValue.flatMap { Day($0.prefix(10)) } }
        return SignedStatement(
            holder: holder, courseTitleFR: achievement["nameTranslations"]?["fr"]?.stringValue,
            courseTitleEN: achievement["nameTranslations"]?["en"]?.stringValue, courseTitle: title,
            courseCode: achievement["humanCode"]?.stringValue ?? "", hours: achievement["trainingHours"]?.numberValue, modules: modules,
            partner: partner, sessionStart: day(subject["activityStartDate"]), sessionEnd: day(subject["activityEndDate"]),
            language: Language(code: achievement["inLanguage"]?.stringValue ?? "fr") ?? .fr)
    }

    /// The issuer profile the server publishes: every key that ever signed, current first, each
    /// listed under `assertionMethod`. An https key id is controlled by the profile; a did:key by itself.
    public func profile(keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        var methods: [JSONValue] = []
        var seen: Set<String> = []
        for listed in keys.sorted(by: { ($0.id == keyID ? 0 : 1) < ($1.id == keyID ? 0 : 1) }) where seen.insert(listed.id).inserted {
            let controller = listed.id.hasPrefix("did:") ? String(listed.id.prefix { $0 != "#" }) : issuerID
            methods.append(
                .object([
                    "id": .string(listed.id), "type": "Multikey", "controller": .string(controller),
                    "publicKeyMultibase": .string(listed.publicKeyMultibase),
                ]))
        }
        return .object([
            "@context": .array((OpenBadgeCredential.context + [contextURL]).map(JSONValue.string)),
            "id": .string(issuerID), "type": .array(["Profile"]), "name": .string(Self.ministryFR), "url": .string(publicURL),
            "verificationMethod": .array(methods), "assertionMethod": .array(methods.compactMap { $0["id"] }),
        ])
    }

    /// The achievement a credential names by `<issuer>/achievements/<code>`, as JSON-LD.
    public func achievement(code: String, titleFR: String, titleEN: String, domain: String, hours: Int) -> JSONValue {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = code.addingPercentEncoding(withAllowedCharacters: allowed) ?? code
        return [
            "@context": .array((OpenBadgeCredential.context + [contextURL]).map(JSONValue.string)),
            "id": .string("\(issuerID)/achievements/\(encoded)"), "type": ["Achievement"], "achievementType": "Course",
            "name": .string(titleFR), "nameTranslations": ["fr": .string(titleFR), "en": .string(titleEN)],
            "description": .string("\(titleFR) / \(titleEN)"), "criteria": ["narrative": .string(Messages.text("credentials.criteria", .fr))],
            "humanCode": .string(code), "fieldOfStudy": .string(domain), "trainingHours": .number(Double(hours)),
            "creator": ["id": .string(issuerID), "type": ["Profile"], "name": .string(Self.ministryFR), "url": .string(publicURL)],
        ]
    }

    /// The revocation status list credential: `encodedList` is the GZIP-compressed bitstring,
    /// multibase base64url ("u…"); signed with the same key as the certificates.
    public func statusListCredential(encodedList: String, validFrom: Date) throws -> JSONValue {
        let document: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": .string(statusListURL), "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": .string(issuerID), "validFrom": .string(RFC3339.string(from: validFrom)),
            "credentialSubject": [
                "id": .string("\(statusListURL)#list"), "type": "BitstringStatusList", "statusPurpose": "revocation",
                "encodedList": .string(encodedList),
            ],
        ]
        return try EddsaRdfc2022.sign(document: document, key: key, verificationMethod: keyID, created: RFC3339.string(from: validFrom))
    }
}
