import Crypto
import Foundation
import KalanCore

/// What a relying party checks in a credential, in order: the proof, the binding of its key to the
/// issuer (the issuer profile lists it under `assertionMethod`), the validity dates, and the
/// revocation status (its bit in the issuer's signed status list). Everything is given, nothing is
/// fetched: the caller reads the profile and the status list from files, or `CredentialVerification`
/// from Kalan's own records. The one policy of `kalan credential verify` and the /verify page.
public struct CredentialChecker {
    /// Why a credential is refused; the raw value is the CLI's exit code (10–17, so that no verdict
    /// reuses a code every command gives: 2 bad input, 3 not found, 4 refused, 5 database unreachable).
    public enum Failure: Int32, Sendable, CaseIterable {
        /// The proof does not verify (altered, another key, malformed, unknown suite).
        case proof = 10
        /// The key is not one the issuer's profile lists under assertionMethod.
        case unbound = 11
        /// No issuer profile to check the binding against.
        case bindingUnknown = 12
        case notYetValid = 13
        case expired = 14
        case revoked = 15
        /// The credential has a status entry but no status list was given.
        case statusUnknown = 16
        /// The status list is not signed by the same issuer, or cannot be read, or is too short.
        case statusListInvalid = 17
        /// The status list is past its `validUntil`: a fresh one must be fetched.
        case statusListExpired = 18
        /// Signed by a key the issuer withdrew (its profile describes it but no longer asserts it).
        case withdrawnKey = 19
        /// No status entry (a credential from before the status list) and no register at hand: its
        /// status cannot be checked offline.
        case statusOffline = 20

        /// The catalogue key of its message.
        public var messageKey: String {
            switch self {
            case .proof: "credentials.check.proof"
            case .unbound: "credentials.check.unbound"
            case .bindingUnknown: "credentials.check.binding_unknown"
            case .notYetValid: "credentials.check.not_yet_valid"
            case .expired: "credentials.check.expired"
            case .revoked: "credentials.check.revoked"
            case .statusUnknown: "credentials.check.status_unknown"
            case .statusListInvalid: "credentials.check.status_list_invalid"
            case .statusListExpired: "credentials.check.status_list_expired"
            case .withdrawnKey: "credentials.check.withdrawn_key"
            case .statusOffline: "credentials.check.status_offline"
            }
        }
    }

    public struct Outcome: Sendable {
        /// nil: genuine, bound, in its validity period and not revoked (or only the proof was asked).
        public var failure: Failure?
        /// Values for the message: issuer, method, why, day, index.
        public var values: [String: String]
        /// For a revoked copy of this Kalan's own credentials: when a reissue replaced it (nil when
        /// it was revoked, or when the records were not read).
        public var supersededAt: Date?
        /// A copy the register does not hold although its serial is known (replaced, undated).
        public var replaced = false

        public init(failure: Failure?, values: [String: String], supersededAt: Date? = nil) {
            (self.failure, self.values, self.supersededAt) = (failure, values, supersededAt)
        }
    }

    /// What the checks rely on besides the credential: the issuer's profile, its status list, and
    /// a pinned key for the proof alone.
    public struct Evidence {
        public var profile: JSONValue?
        public var statusList: JSONValue?
        public var publicKey: Curve25519.Signing.PublicKey?
        /// The issuer's own register, for a credential without a status entry (Kalan's records).
        public var register: RegisterStatus?

        public init(
            profile: JSONValue? = nil, statusList: JSONValue? = nil, publicKey: Curve25519.Signing.PublicKey? = nil, register: RegisterStatus? = nil
        ) {
            (self.profile, self.statusList, self.publicKey, self.register) = (profile, statusList, publicKey, register)
        }
    }

    public var profile: JSONValue?
    public var statusList: JSONValue?
    public var publicKey: Curve25519.Signing.PublicKey?
    public var register: RegisterStatus?
    public var now: Date

    public init(profile: JSONValue? = nil, statusList: JSONValue? = nil, publicKey: Curve25519.Signing.PublicKey? = nil, now: Date = WallClock.system.now()) {
        self.profile = profile
        self.statusList = statusList
        self.publicKey = publicKey
        self.now = now
    }

    public init(_ evidence: Evidence, now: Date) {
        self.init(profile: evidence.profile, statusList: evidence.statusList, publicKey: evidence.publicKey, now: now)
        register = evidence.register
    }

    public static func issuerID(of document: JSONValue) -> String? {
        document["issuer"]?.stringValue ?? document["issuer"]?["id"]?.stringValue
    }

    static func verificationMethod(of document: JSONValue) -> String? {
        let proof = document["proof"]
        return (proof?[0] ?? proof)?["verificationMethod"]?.stringValue
    }

    /// The status list credential's URL a credential points to.
    public static func statusListURL(of document: JSONValue) -> String? {
        document["credentialStatus"]?["statusListCredential"]?.stringValue
    }

    /// The key the issuer's profile binds to `method`: listed under assertionMethod and described
    /// under verificationMethod; nil when the profile is not the issuer's or does not list it.
    func boundKey(_ method: String, issuer: String, profile: JSONValue) -> Curve25519.Signing.PublicKey? {
        guard profile["id"]?.stringValue == issuer else { return nil }
        let asserted = (profile["assertionMethod"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["id"]?.stringValue }
        guard asserted.contains(method) else { return nil }
        let described = (profile["verificationMethod"]?.arrayValue ?? []) + (profile["assertionMethod"]?.arrayValue ?? [])
        guard let entry = described.first(where: { $0["id"]?.stringValue == method }),
            let multibase = entry["publicKeyMultibase"]?.stringValue
        else { return nil }
        return try? Multikey.publicKey(fromMultibase: multibase)
    }

    func date(_ value: JSONValue?) -> Date? {
        guard let text = value?.stringValue else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Checks the proof alone (`proofOnly`) or everything.
    public func check(_ document: JSONValue, proofOnly: Bool = false) -> Outcome {
        var values: [String: String] = [:]
        let issuer = Self.issuerID(of: document) ?? ""
        values["issuer"] = issuer
        let proof = DataIntegrity.verify(document, publicKey: publicKey) { method in
            profile.flatMap { boundKey(method, issuer: issuer, profile: $0) }
        }
        guard case .verified(let method) = proof else {
            values["why"] = proof.failure?.rawValue ?? ""
            values["method"] = Self.verificationMethod(of: document) ?? ""
            // No key for the method: without a profile the binding is unknown; with one, the method is not the issuer's
            // (or one it withdrew).
            if proof.failure == .noKey, !proofOnly {
                if withdrawn(document, issuer: issuer) { return Outcome(failure: .withdrawnKey, values: values) }
                return Outcome(failure: profile == nil ? .bindingUnknown : .unbound, values: values)
            }
            return Outcome(failure: .proof, values: values)
        }
        values["method"] = method
        if proofOnly { return Outcome(failure: nil, values: values) }

        guard let profile else { return Outcome(failure: .bindingUnknown, values: values) }
        // Bound: the profile is the issuer's, lists the method under assertionMethod, and its key signed.
        guard let key = boundKey(method, issuer: issuer, profile: profile), DataIntegrity.verify(document, publicKey: key).isVerified else {
            return Outcome(failure: withdrawn(document, issuer: issuer) ? .withdrawnKey : .unbound, values: values)
        }

        if let from = date(document["validFrom"]), from > now {
            values["day"] = String(document["validFrom"]?.stringValue?.prefix(10) ?? "")
            return Outcome(failure: .notYetValid, values: values)
        }
        if let until = date(document["validUntil"]), until < now {
            values["day"] = String(document["validUntil"]?.stringValue?.prefix(10) ?? "")
            return Outcome(failure: .expired, values: values)
        }

        guard let entry = document["credentialStatus"] else { return registerVerdict(values) }
        guard let list = statusList else { return Outcome(failure: .statusUnknown, values: values) }
        guard let index = entry["statusListIndex"]?.stringValue.flatMap({ Int($0) }),
            entry["statusPurpose"]?.stringValue == "revocation",
            list["id"]?.stringValue == entry["statusListCredential"]?.stringValue,
            let listIssuer = Self.issuerID(of: list),
            case .verified(let listMethod) = DataIntegrity.verify(list, resolver: { boundKey($0, issuer: issuer, profile: profile) }),
            boundKey(listMethod, issuer: issuer, profile: profile) != nil,
            // The credential's issuer, or (for the credentials signed before the ministry's DID) that
            // DID, with a key the credential issuer's profile asserts.
            listIssuer == issuer || (listIssuer.hasPrefix("did:") && listMethod.hasPrefix(listIssuer + "#")),
            list["credentialSubject"]?["statusPurpose"]?.stringValue == "revocation",
            let encoded = list["credentialSubject"]?["encodedList"]?.stringValue,
            let bits = try? BitstringStatusList.decode(encoded),
            let set = BitstringStatusList.isSet(bits, index: index)
        else { return Outcome(failure: .statusListInvalid, values: values) }
        values["index"] = String(index)
        values["asOf"] = list["validFrom"]?.stringValue.flatMap { date(.string($0)) }.map(Self.asOfText) ?? ""
        // A list past its validity may hide a revocation since: a fresh one must be fetched.
        if let until = date(list["validUntil"]), until < now {
            values["until"] = Self.asOfText(until)
            return Outcome(failure: .statusListExpired, values: values)
        }
        return Outcome(failure: set ? .revoked : nil, values: values)
    }

    /// "2026-12-03 12:55 UTC": the instant a status was read at, for every verdict.
    public static func asOfText(_ date: Date) -> String {
        let text = RFC3339.string(from: date)
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// A credential without a status entry (from before the status list): the issuer's register
    /// decides when it is at hand (revoked, or replaced by a reissue); otherwise its status cannot
    /// be checked offline, and the verdict says so rather than "not revoked".
    func registerVerdict(_ values: [String: String]) -> Outcome {
        var values = values
        values["asOf"] = Self.asOfText(now)
        switch register {
        case nil: return Outcome(failure: .statusOffline, values: values)
        case .current(nil): return Outcome(failure: nil, values: values)
        case .current(.some): return Outcome(failure: .revoked, values: values)
        case .superseded(let at): return Outcome(failure: .revoked, values: values, supersededAt: at)
        case .unknownCopy, .unknown:
            var outcome = Outcome(failure: .revoked, values: values)
            outcome.replaced = true
            return outcome
        }
    }

    /// Signed by a key the issuer's profile still describes (under verificationMethod) but no longer
    /// asserts: a key it withdrew, whose signatures it disowns.
    func withdrawn(_ document: JSONValue, issuer: String) -> Bool {
        guard let profile, profile["id"]?.stringValue == issuer, let method = Self.verificationMethod(of: document) else { return false }
        let asserted = (profile["assertionMethod"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["id"]?.stringValue }
        guard !asserted.contains(method),
            let entry = (profile["verificationMethod"]?.arrayValue ?? []).first(where: { $0["id"]?.stringValue == method }),
            let multibase = entry["publicKeyMultibase"]?.stringValue, let key = try? Multikey.publicKey(fromMultibase: multibase)
        else { return false }
        return DataIntegrity.verify(document, publicKey: key).isVerified
    }
}
