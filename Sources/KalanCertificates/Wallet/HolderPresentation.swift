import Crypto
import Foundation

/// The presentation a wallet makes to prove it holds a DID (DID authentication): LCW 2.2.10's
/// `Ed25519Signature2020` over RDFC-1.0 (the 2020 suite: SHA-256 of the canonical proof options,
/// with the document's `@context`, then of the canonical document, signed with Ed25519), or a
/// `DataIntegrityProof` with `eddsa-rdfc-2022`. Only the pinned contexts are read; nothing is fetched.
public enum HolderPresentation {
    /// Why a presentation is refused; the raw value is the code the exchange answers.
    public enum Failure: String, Error, Sendable {
        case malformed = "malformed_presentation"
        case unknownSuite = "unsupported_proof"
        case unreadableVocabulary = "unknown_context_or_term"
        case challenge = "challenge_mismatch"
        case domain = "domain_mismatch"
        case holderKey = "key_not_holder"
        case stale = "stale_proof"
        case badSignature = "invalid_signature"
    }

    public static let ed25519Signature2020 = "Ed25519Signature2020"

    /// The holder's `did:key` when the presentation's one proof verifies for `challenge` (and
    /// `domain` when the proof names one, or when `requireDomain`), was made within `maxAge` of `now`,
    /// with a key of the holder's own DID.
    public static func verify(_ presentation: JSONValue, challenge: String, domain: String?, requireDomain: Bool = false, now: Date, maxAge: TimeInterval = 300)
        -> Result<String, Failure>
    {
        guard case let .object(document) = presentation,
            (document["type"]?.arrayValue ?? [document["type"] ?? .null]).contains(.string("VerifiablePresentation"))
        else { return .failure(.malformed) }
        let proofs = document["proof"]?.arrayValue ?? document["proof"].map { [$0] } ?? []
        guard proofs.count == 1, case let .object(proof) = proofs[0], let method = proof["verificationMethod"]?.stringValue,
            let created = proof["created"]?.stringValue, proof["proofPurpose"]?.stringValue == "authentication"
        else { return .failure(.malformed) }
        guard proof["challenge"]?.stringValue == challenge else { return .failure(.challenge) }
        if let named = proof["domain"] {
            guard let domain, named.stringValue == domain || (named.arrayValue ?? []).contains(.string(domain)) else { return .failure(.domain) }
        } else if requireDomain {
            return .failure(.domain)
        }
        guard let at = parseDate(created), abs(at.timeIntervalSince(now)) <= maxAge else { return .failure(.stale) }
        // The key is the holder's: a did:key URL of the presentation's holder.
        let holder = document["holder"]?.stringValue ?? document["holder"]?["id"]?.stringValue
        let controller = String(method.prefix { $0 != "#" })
        guard let holder, holder == controller, holder.hasPrefix(DIDKey.prefix), let key = DIDKey.publicKey(resolving: method) else {
            return .failure(.holderKey)
        }
        switch proof["type"]?.stringValue {
        case ed25519Signature2020?:
            return verify2020(document, proof: proof, key: key).map { holder }
        case DataIntegrity.proofType? where proof["cryptosuite"]?.stringValue == EddsaRdfc2022.cryptosuite:
            switch DataIntegrity.verify(presentation, publicKey: key) {
            case .verified: return .success(holder)
            case .failed(.unreadableVocabulary): return .failure(.unreadableVocabulary)
            case .failed(.malformed), .failed(.contextMismatch): return .failure(.malformed)
            case .failed: return .failure(.badSignature)
            }
        default:
            return .failure(.unknownSuite)
        }
    }

    /// Ed25519Signature2020 (W3C CCG): verify data = SHA-256(canonical proof options with the
    /// document's `@context`) ‖ SHA-256(canonical document without its proof).
    static func verify2020(_ document: JSONObject, proof: JSONObject, key: Curve25519.Signing.PublicKey) -> Result<Void, Failure> {
        guard let value = proof["proofValue"]?.stringValue, let signature = Multibase.decodeBase58BTC(value, maxBytes: 64), signature.count == 64 else {
            return .failure(.malformed)
        }
        var options = proof
        options.removeValue(forKey: "proofValue")
        options.removeValue(forKey: "@context")
        options["@context"] = document["@context"]
        var unsecured = document
        unsecured.removeValue(forKey: "proof")
        let canonicalOptions: String
        let canonicalDocument: String
        do {
            canonicalOptions = try LinkedDataCanonicalization.nquads(of: .object(options))
            canonicalDocument = try LinkedDataCanonicalization.nquads(of: .object(unsecured))
        } catch {
            return .failure(.unreadableVocabulary)
        }
        let data = DataIntegrity.hashData(transformedDocument: Array(canonicalDocument.utf8), canonicalProofConfig: Array(canonicalOptions.utf8))
        return key.isValidSignature(signature, for: data) ? .success(()) : .failure(.badSignature)
    }

    /// An XML Schema dateTime with a zone, with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        guard XMLSchemaDateTime.isValid(text) else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
