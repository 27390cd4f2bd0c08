import Foundation
import KalanCore

/// Signs Kalan's certificates as Open Badges 3.0 credentials with an `eddsa-rdfc-2022` proof (Kalan
/// still verifies the `eddsa-jcs-2022` proofs of the credentials it signed before).
///
/// The issuer is the ministry's `did:web` (`DIDWeb`, of the public URL) and the verification
/// method `<did>#<publicKeyMultibase>`, listed under `assertionMethod` in the DID document
/// (`didDocument(keys:)`), which wallets resolve. The Open Badges profile stays served at
/// `<public URL>/issuer` (`profileURL`): credentials signed before name it as their issuer with
/// https key ids under it (or did:key ids), and it lists every key, so they still verify.
public struct OpenBadgeIssuer: CredentialIssuer {
    public let key: Ed25519SigningKey
    public let publicURL: String
    public static let ministryFR = Messages.text("layout.ministry", .fr)
    public static let ministryEN = Messages.text("layout.ministry", .en)
    /// The first revocation status list; the next ones are `/status/2`, … (`statusListURL(list:)`).
    public static let statusListPath = "/status/1"

    public init(key: Ed25519SigningKey, publicURL: String) {
        self.key = key
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// The ministry's DID, the issuer of new credentials and of the status list.
    public var issuerID: String { did }
    public var did: String { DIDWeb.identifier(publicURL: publicURL) }
    /// The Open Badges profile (`/issuer`): the issuer of the credentials signed before the DID.
    public var profileURL: String { "\(publicURL)/issuer" }
    public var keyID: String { "\(did)#\(key.publicKeyMultibase)" }
    /// The https key id the credentials signed before the DID name.
    public var profileKeyID: String { "\(profileURL)#\(key.publicKeyMultibase)" }
    public var publicKeyMultibase: String { key.publicKeyMultibase }
    public var statusListURL: String { publicURL + Self.statusListPath }
    public func statusListURL(list: Int) -> String { "\(publicURL)/status/\(list)" }

    /// The list number of a status list URL of this issuer (`…/status/2` → 2); nil for another URL.
    public func statusList(of url: String) -> Int? {
        let prefix = publicURL + "/status/"
        guard url.hasPrefix(prefix), let number = Int(url.dropFirst(prefix.count)), number >= 1, number <= 1_000_000 else { return nil }
        return number
    }
    public var contextURL: String { KalanContext.url(base: publicURL) }

    public func signedCredential(for content: CertificateContent) throws -> String {
        try credential(for: content).serialized()
    }

    public func credential(for content: CertificateContent) throws -> JSONValue {
        let language = content.language
        let partner = content.partner
        let facts = CertificateFacts(
            serial: content.serial, credentialId: content.credentialID ?? content.verificationURL, issuerId: issuerID, achievementBase: profileURL,
            issuerName: Messages.text("layout.ministry", language),
            partnerName: partner.name, partnerCountry: Names.country(partner.country, language), partnerCountryCode: partner.country,
            partnerId: "urn:uuid:\(partner.id.uuidString.lowercased())",
            traineeGivenName: content.trainee.givenName, traineeFamilyName: content.trainee.familyName, traineeEmail: content.trainee.email,
            courseCode: content.course.code, titleFrench: content.course.titleFR,
            titleEnglish: content.course.titleEN, domain: Names.domain(content.course.domain, language), hours: Double(content.course.hours),
            modules: content.course.modules.map { .init(title: $0.title(in: language), hours: Double($0.hours)) },
            sessionStart: content.session.startsOn.startOfDay, sessionEnd: content.session.endsOn.startOfDay,
            issuedAt: content.issuedOn.startOfDay, expiresAt: content.expiresOn?.startOfDay, language: language.rawValue,
            status: content.statusIndex.map { .init(listCredential: statusListURL(list: content.statusList), index: $0) })
        // The proof is dated when it is made (a reissue's today), the credential by its issue day.
        return try OpenBadgeCredential(facts: facts).signed(with: key, verificationMethod: keyID, created: content.signedAt ?? content.issuedOn.startOfDay)
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

    /// What a Kalan credential states, read from its JSON (`CredentialStatement`).
    public static func statement(of document: JSONValue) -> SignedStatement? { CredentialStatement.read(document) }

    /// The issuer profile the server publishes: every key that ever signed, current first, each
    /// listed under `assertionMethod` except the withdrawn ones (`kalan keys retire`), which stay
    /// described under `verificationMethod` only: what they signed no longer binds to the ministry.
    /// An https key id is controlled by the profile; a did:key by itself.
    public func profile(keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        var methods: [JSONValue] = []
        var seen: Set<String> = []
        let withdrawn = Set(keys.filter(\.retired).map(\.publicKeyMultibase))
        for listed in keys.sorted(by: { ($0.id == keyID ? 0 : 1) < ($1.id == keyID ? 0 : 1) }) where seen.insert(listed.id).inserted {
            let controller = listed.id.hasPrefix("did:") ? String(listed.id.prefix { $0 != "#" }) : profileURL
            methods.append(
                .object([
                    "id": .string(listed.id), "type": "Multikey", "controller": .string(controller),
                    "publicKeyMultibase": .string(listed.publicKeyMultibase),
                ]))
        }
        return .object([
            "@context": .array((OpenBadgeCredential.context + [contextURL]).map(JSONValue.string)),
            "id": .string(profileURL), "type": .array(["Profile"]), "name": .string(Self.ministryFR), "url": .string(publicURL),
            "verificationMethod": .array(methods),
            "assertionMethod": .array(methods.filter { method in !withdrawn.contains(method["publicKeyMultibase"]?.stringValue ?? "") }.compactMap { $0["id"] }),
        ])
    }

    /// The DID document (`/.well-known/did.json`): every key that ever signed as `<did>#<multibase>`,
    /// current first; a key withdrawn under any of its ids is described but no longer asserted.
    public func didDocument(keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        let withdrawn = Set(keys.filter(\.retired).map(\.publicKeyMultibase))
        var ordered = [(publicKeyMultibase: key.publicKeyMultibase, retired: withdrawn.contains(key.publicKeyMultibase))]
        ordered += keys.map { (publicKeyMultibase: $0.publicKeyMultibase, retired: withdrawn.contains($0.publicKeyMultibase)) }
        return DIDWeb.document(did: did, keys: ordered)
    }

    /// The achievement a credential names by `<issuer>/achievements/<code>`, as JSON-LD in standard
    /// terms (VC 2.0 and OB 3.0 contexts), in French unless `language` is English.
    public func achievement(code: String, titleFR: String, titleEN: String, domain: String, hours: Int, language: Language = .fr) -> JSONValue {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = code.addingPercentEncoding(withAllowedCharacters: allowed) ?? code
        let id = "\(profileURL)/achievements/\(encoded)"
        let english = language == .en
        let other = english ? ("fr", titleFR) : ("en", titleEN)
        let hoursText = Messages.text("format.hours", language, ["hours": String(hours)])
        return [
            "@context": .array(OpenBadgeCredential.context.map(JSONValue.string)),
            "id": .string(english ? id + "?lang=en" : id), "type": ["Achievement"], "achievementType": "Course",
            "name": .string(english ? titleEN : titleFR),
            "description": .string("\(english ? titleEN : titleFR) (\(Names.domain(domain, language)), \(hoursText))"),
            "criteria": ["narrative": .string(Messages.text("credentials.criteria", language))],
            "humanCode": .string(code), "fieldOfStudy": .string(Names.domain(domain, language)), "inLanguage": .string(language.rawValue),
            "image": ["id": .string(MinistryEmblem.dataURI), "type": "Image"],
            "related": [["id": .string(english ? id : id + "?lang=en"), "type": ["Related"], "inLanguage": .string(other.0), "name": .string(other.1)]],
            "creator": [
                "id": .string(issuerID), "type": ["Profile"], "name": .string(Messages.text("layout.ministry", language)), "url": .string(publicURL),
            ],
        ]
    }

    /// A revocation status list credential: `encodedList` is the GZIP-compressed bitstring,
    /// multibase base64url ("u…"); valid from `validFrom` until `validUntil` (the time a verifier
    /// may keep it, as its Cache-Control says); signed with the same key as the certificates.
    public func statusListCredential(list: Int = 1, encodedList: String, validFrom: Date, validUntil: Date) throws -> JSONValue {
        let url = statusListURL(list: list)
        let document: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": .string(url), "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": .string(issuerID), "validFrom": .string(RFC3339.string(from: validFrom)), "validUntil": .string(RFC3339.string(from: validUntil)),
            "credentialSubject": [
                "id": .string("\(url)#list"), "type": "BitstringStatusList", "statusPurpose": "revocation",
                "encodedList": .string(encodedList),
            ],
        ]
        return try EddsaRdfc2022.sign(document: document, key: key, verificationMethod: keyID, created: RFC3339.string(from: validFrom))
    }
}
