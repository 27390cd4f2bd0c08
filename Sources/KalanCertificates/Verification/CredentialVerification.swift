import Foundation
import KalanCore

/// One verification policy for every credential Kalan is shown, by `kalan credential verify` and by
/// the /verify page's paste or upload: `CredentialChecker` decides whether the proof is genuine, the
/// key bound to the issuer, the dates (`validFrom` and `validUntil`) valid at the clock's instant and
/// the credential's bit of the status list unset. For this Kalan's own credentials, its issuer
/// profile and status list come from its records, unless the caller gives them (files).
public struct CredentialVerification: Sendable {
    public let issuer: OpenBadgeIssuer
    public let records: any CredentialRecordStore
    public let clock: WallClock

    public init(issuer: OpenBadgeIssuer, records: any CredentialRecordStore, clock: WallClock) {
        self.issuer = issuer
        self.records = records
        self.clock = clock
    }

    /// The issuer profile: every key that ever signed, the current one first (listed even before it
    /// signed anything).
    public func issuerProfile() async throws -> JSONValue { Self.profile(of: issuer, keys: try await records.signingKeys()) }

    static func profile(of issuer: OpenBadgeIssuer, keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        var keys = keys
        if !keys.contains(where: { $0.id == issuer.keyID }) { keys.append((issuer.keyID, issuer.publicKeyMultibase, false)) }
        return issuer.profile(keys: keys)
    }

    /// The DID document: every key that ever signed, under the ministry's DID.
    public func didDocument() async throws -> JSONValue { issuer.didDocument(keys: try await records.signingKeys()) }

    /// What binds the keys of the issuer `document` names: the DID document for the ministry's DID,
    /// the Open Badges profile for the credentials signed before it (issuer `<public URL>/issuer`).
    static func evidenceProfile(of issuer: OpenBadgeIssuer, for document: JSONValue, keys: [(id: String, publicKeyMultibase: String, retired: Bool)])
        -> JSONValue
    {
        CredentialChecker.issuerID(of: document) == issuer.did ? issuer.didDocument(keys: keys) : profile(of: issuer, keys: keys)
    }

    /// This Kalan as the issuer `document` names: its DID, its profile at its address of today, or at
    /// one it had before (`serve --change-public-url`), as a key recorded under that address shows;
    /// nil for anyone else.
    func ownIssuer(of document: JSONValue, keys: [(id: String, publicKeyMultibase: String, retired: Bool)]) -> OpenBadgeIssuer? {
        guard let id = CredentialChecker.issuerID(of: document) else { return nil }
        if id == issuer.did || id == issuer.profileURL { return issuer }
        // The DID of an address it had before: its public URL is read back from the credential's
        // own URLs (status list, id), whose DID it must be.
        if id.hasPrefix(DIDWeb.prefix), keys.contains(where: { $0.id.hasPrefix(id + "#") }) {
            let urls = [CredentialChecker.statusListURL(of: document), document["id"]?.stringValue].compactMap { $0 }
            for url in urls {
                guard let cut = url.range(of: "/status/", options: .backwards) ?? url.range(of: "/verify/", options: .backwards) else { continue }
                let base = String(url[..<cut.lowerBound])
                if DIDWeb.identifier(publicURL: base) == id { return OpenBadgeIssuer(key: issuer.key, publicURL: base) }
            }
        }
        guard id.hasSuffix("/issuer"), keys.contains(where: { $0.id.hasPrefix(id + "#") }) else { return nil }
        return OpenBadgeIssuer(key: issuer.key, publicURL: String(id.dropLast("/issuer".count)))
    }

    /// The first signed status list credential and its ETag.
    public func statusList() async throws -> (credential: JSONValue, etag: String) {
        try await StatusListPublisher(issuer: issuer, records: records, clock: clock).current()
    }

    /// Status list `list` signed now (nil when no such list was begun), with its ETag and max-age.
    public func statusList(_ list: Int) async throws -> StatusListPublisher.Published? {
        try await StatusListPublisher(issuer: issuer, records: records, clock: clock).published(list: list)
    }

    /// The achievement a credential names by `<issuer>/achievements/<code>`; nil for no such course.
    public func achievement(code: String, language: Language = .fr) async throws -> JSONValue? {
        guard code.utf8.count <= 64, let course = try await records.course(code: code) else { return nil }
        return issuer.achievement(
            code: course.code, titleFR: course.titleFR, titleEN: course.titleEN, domain: course.domain, hours: course.hours, language: language)
    }

    /// Whether checking `document` needs the records of the Kalan whose issuer is `ownIssuerID`: it
    /// names that issuer, and the caller gave no profile, or no status list while it has a status entry.
    /// With `proofOnly`, only a key id other than a did:key, with no key given, needs them (the profile or DID document describes the key).
    public static func needsOwnRecords(_ document: JSONValue, given: CredentialChecker.Evidence, ownIssuerID: String, proofOnly: Bool) -> Bool {
        // The profile URL `<public URL>/issuer` stands for the DID of the same public URL too.
        let did = ownIssuerID.hasSuffix("/issuer") ? DIDWeb.identifier(publicURL: String(ownIssuerID.dropLast("/issuer".count))) : ownIssuerID
        guard let named = CredentialChecker.issuerID(of: document), named == ownIssuerID || named == did else { return false }
        if proofOnly {
            return given.publicKey == nil && given.profile == nil
                && !(CredentialChecker.verificationMethod(of: document) ?? DIDKey.prefix).hasPrefix(DIDKey.prefix)
        }
        return given.profile == nil || given.statusList == nil
    }

    /// The verdict on `document` at the clock's instant. For this Kalan's own credentials (at its
    /// address of today or of before), its profile and status list fill what `given` lacks, a
    /// revoked copy says when a reissue superseded it, and a credential without a status entry is
    /// looked up in the register (by serial and content).
    public func check(_ document: JSONValue, given: CredentialChecker.Evidence = .init(), proofOnly: Bool = false) async throws
        -> CredentialChecker.Outcome
    {
        var evidence = given
        var own: OpenBadgeIssuer?
        let listURL = CredentialChecker.statusListURL(of: document)
        if !proofOnly || (given.publicKey == nil && given.profile == nil) {
            let keys = try await records.signingKeys()
            own = ownIssuer(of: document, keys: keys)
            // The proof alone of our own credential: the key the profile describes for its method.
            if proofOnly, let ownIssuer = own {
                evidence.profile = Self.evidenceProfile(of: ownIssuer, for: document, keys: keys.map { ($0.id, $0.publicKeyMultibase, false) })
            }
            if !proofOnly, let ownIssuer = own {
                if evidence.profile == nil { evidence.profile = Self.evidenceProfile(of: ownIssuer, for: document, keys: keys) }
                if evidence.statusList == nil, let listURL, let list = ownIssuer.statusList(of: listURL) {
                    evidence.statusList = try await StatusListPublisher(issuer: ownIssuer, records: records, clock: clock).published(list: list)?.credential
                }
                if listURL == nil {
                    let text = (try? document.serialized()) ?? ""
                    evidence.register = try await records.registerStatus(serial: CredentialStatement.serial(of: document), credential: text)
                }
            }
        }
        var outcome = CredentialChecker(evidence, now: clock.now()).check(document, proofOnly: proofOnly)
        if let ownIssuer = own, outcome.failure == .revoked, let index = outcome.values["index"].flatMap({ Int($0) }),
            let list = listURL.flatMap(ownIssuer.statusList(of:))
        {
            outcome.supersededAt = try await records.supersededAt(list: list, index: index)
        }
        return outcome
    }
}
