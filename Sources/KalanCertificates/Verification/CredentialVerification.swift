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
    public func issuerProfile() async throws -> JSONValue {
        var keys = try await records.signingKeys()
        if !keys.contains(where: { $0.id == issuer.keyID }) { keys.append((issuer.keyID, issuer.publicKeyMultibase, false)) }
        return issuer.profile(keys: keys)
    }

    /// The signed status list credential and its ETag.
    public func statusList() async throws -> (credential: JSONValue, etag: String) {
        try await StatusListPublisher(issuer: issuer, records: records).current()
    }

    /// The achievement a credential names by `<issuer>/achievements/<code>`; nil for no such course.
    public func achievement(code: String) async throws -> JSONValue? {
        guard code.utf8.count <= 64, let course = try await records.course(code: code) else { return nil }
        return issuer.achievement(code: course.code, titleFR: course.titleFR, titleEN: course.titleEN, domain: course.domain, hours: course.hours)
    }

    /// Whether checking `document` needs the records of the Kalan whose issuer is `ownIssuerID`: it
    /// names that issuer, and the caller gave no profile, or no status list while it has a status entry.
    public static func needsOwnRecords(_ document: JSONValue, given: CredentialChecker.Evidence, ownIssuerID: String, proofOnly: Bool) -> Bool {
        !proofOnly && CredentialChecker.issuerID(of: document) == ownIssuerID
            && (given.profile == nil || (given.statusList == nil && CredentialChecker.statusListURL(of: document) != nil))
    }

    /// The verdict on `document` at the clock's instant. For this Kalan's own credentials, its
    /// profile and status list fill what `given` lacks, and a revoked copy says when a reissue
    /// superseded it.
    public func check(_ document: JSONValue, given: CredentialChecker.Evidence = .init(), proofOnly: Bool = false) async throws
        -> CredentialChecker.Outcome
    {
        var evidence = given
        let own = Self.needsOwnRecords(document, given: given, ownIssuerID: issuer.issuerID, proofOnly: proofOnly)
        if own {
            if evidence.profile == nil { evidence.profile = try await issuerProfile() }
            if evidence.statusList == nil, CredentialChecker.statusListURL(of: document) == issuer.statusListURL {
                evidence.statusList = try await statusList().credential
            }
        }
        var outcome = CredentialChecker(evidence, now: clock.now()).check(document, proofOnly: proofOnly)
        if own, outcome.failure == .revoked, let index = outcome.values["index"].flatMap({ Int($0) }) {
            outcome.supersededAt = try await records.supersededAt(statusIndex: index)
        }
        return outcome
    }
}
