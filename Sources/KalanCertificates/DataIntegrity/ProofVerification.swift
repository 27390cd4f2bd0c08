import Crypto

/// Why a secured document did not verify; raw values are stable codes for logs and APIs.
public enum VerificationFailure: String, Error, Sendable, CaseIterable {
    /// Not an object, no proof object, missing or ill-typed proof fields, bad `created`, bad `proofValue` encoding.
    case malformed
    /// A proof of another type or cryptosuite than DataIntegrityProof with eddsa-jcs-2022 or eddsa-rdfc-2022.
    case unknownSuite
    /// The proof's `@context` is not the start of the document's `@context`.
    case contextMismatch
    /// eddsa-rdfc-2022: the document cannot be read as linked data with the pinned contexts (an
    /// unknown context, a term no context defines, a relative IRI, a poison graph).
    case unreadableVocabulary
    /// No Ed25519 key for the verification method: none passed, none resolved.
    case noKey
    /// The signature does not match the content: something changed, or a different key signed it.
    case badSignature
}

/// The outcome of checking a Data Integrity proof.
public enum VerificationResult: Sendable, Equatable {
    /// The signature is valid for this verification method; callers still decide whether they trust
    /// that method (a did:key proves possession of the key, not who holds it).
    case verified(verificationMethod: String)
    case failed(VerificationFailure)

    public var isVerified: Bool {
        if case .verified = self { return true }
        return false
    }

    public var failure: VerificationFailure? {
        if case let .failed(reason) = self { return reason }
        return nil
    }
}

extension DataIntegrity {
    /// The cryptosuites Kalan verifies.
    public static let verifiedSuites = [cryptosuite, EddsaRdfc2022.cryptosuite]

    /// §3.3.2 / §3.2.2 Verify Proof, for eddsa-jcs-2022 and eddsa-rdfc-2022 alike (by each proof's `cryptosuite`).
    ///
    /// The key is, in order: `publicKey` when given (pinning the issuer's key), else `resolver(verificationMethod)`,
    /// else the key named by a `did:key` verification method. An https verification method therefore needs
    /// `publicKey` or a `resolver`. A proof set (`proof` an array) verifies when every proof in it does, each over
    /// the document without its `proof`; the result names the first proof's method. Proof chains
    /// (`previousProof`) are not supported.
    public static func verify(
        _ document: JSONValue,
        publicKey: Curve25519.Signing.PublicKey? = nil,
        resolver: ((String) -> Curve25519.Signing.PublicKey?)? = nil
    ) -> VerificationResult {
        guard case let .object(securedDocument) = document else { return .failed(.malformed) }
        var unsecuredDocument = securedDocument
        let proofs: [JSONValue]
        switch unsecuredDocument.removeValue(forKey: "proof") {
        case let .object(proof)?: proofs = [.object(proof)]
        case let .array(items)? where !items.isEmpty: proofs = items
        default: return .failed(.malformed)
        }
        var firstMethod: String?
        for proof in proofs {
            guard case let .object(options) = proof, options["previousProof"] == nil else { return .failed(.malformed) }
            do {
                let method = try verifyProof(options, securedDocument: securedDocument, unsecuredDocument: unsecuredDocument, publicKey: publicKey, resolver: resolver)
                if firstMethod == nil { firstMethod = method }
            } catch {
                return .failed(error)
            }
        }
        guard let firstMethod else { return .failed(.malformed) }
        return .verified(verificationMethod: firstMethod)
    }

    private static func verifyProof(
        _ proof: JSONObject,
        securedDocument: JSONObject,
        unsecuredDocument start: JSONObject,
        publicKey: Curve25519.Signing.PublicKey?,
        resolver: ((String) -> Curve25519.Signing.PublicKey?)?
    ) throws(VerificationFailure) -> String {
        var proofOptions = proof
        var unsecuredDocument = start
        guard let type = proofOptions["type"]?.stringValue else { throw .malformed }
        let suite = proofOptions["cryptosuite"]?.stringValue
        guard type == proofType, let suite, verifiedSuites.contains(suite) else { throw .unknownSuite }
        guard let proofValue = proofOptions.removeValue(forKey: "proofValue")?.stringValue,
            let proofBytes = Multibase.decodeBase58BTC(proofValue, maxBytes: 64), proofBytes.count == 64,
            let verificationMethod = proofOptions["verificationMethod"]?.stringValue,
            proofOptions["proofPurpose"]?.stringValue != nil
        else { throw .malformed }

        if let proofContext = proofOptions["@context"] {
            guard startsWith(securedDocument["@context"], prefix: proofContext) else { throw .contextMismatch }
            unsecuredDocument["@context"] = proofContext
        }

        let transformedDocument: [UInt8]
        let canonicalProofConfig: [UInt8]
        do {
            if suite == EddsaRdfc2022.cryptosuite {
                transformedDocument = try EddsaRdfc2022.transformation(unsecuredDocument, options: proofOptions)
                canonicalProofConfig = try EddsaRdfc2022.proofConfiguration(proofOptions, unsecuredDocument: unsecuredDocument)
            } else {
                transformedDocument = try transformation(unsecuredDocument, options: proofOptions)
                canonicalProofConfig = try proofConfiguration(proofOptions)
            }
        } catch .linkedData {
            throw .unreadableVocabulary
        } catch {
            throw .malformed
        }
        let hash = hashData(transformedDocument: transformedDocument, canonicalProofConfig: canonicalProofConfig)

        guard let key = publicKey ?? resolver?(verificationMethod) ?? DIDKey.publicKey(resolving: verificationMethod)
        else { throw .noKey }
        guard key.isValidSignature(proofBytes, for: hash) else { throw .badSignature }
        return verificationMethod
    }

    /// True when the document's `@context` begins with every value of the proof's `@context`, in order.
    private static func startsWith(_ documentContext: JSONValue?, prefix proofContext: JSONValue) -> Bool {
        guard let documentContext else { return false }
        let documentValues = documentContext.arrayValue ?? [documentContext]
        let proofValues = proofContext.arrayValue ?? [proofContext]
        return documentValues.starts(with: proofValues)
    }
}

extension EddsaRdfc2022 {
    /// Verifies `document`'s proof(s); the same as `DataIntegrity.verify`, which reads each proof's suite.
    public static func verify(
        _ document: JSONValue,
        publicKey: Curve25519.Signing.PublicKey? = nil,
        resolver: ((String) -> Curve25519.Signing.PublicKey?)? = nil
    ) -> VerificationResult {
        DataIntegrity.verify(document, publicKey: publicKey, resolver: resolver)
    }
}
