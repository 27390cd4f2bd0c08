import Crypto

/// Why a secured document did not verify; raw values are stable codes for logs and APIs.
public enum VerificationFailure: String, Error, Sendable, CaseIterable {
    /// Not an object, no single proof object, missing or ill-typed proof fields, bad `created`, bad `proofValue` encoding.
    case malformed
    /// A proof of another type or cryptosuite than DataIntegrityProof / eddsa-jcs-2022.
    case unknownSuite
    /// The proof's `@context` is not the start of the document's `@context`.
    case contextMismatch
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
    /// §3.3.2 Verify Proof (eddsa-jcs-2022).
    ///
    /// The key is, in order: `publicKey` when given (pinning the issuer's key), else `resolver(verificationMethod)`,
    /// else the key named by a `did:key` verification method. An https verification method therefore needs
    /// `publicKey` or a `resolver`. A `proof` holding an array is accepted only with exactly one element.
    public static func verify(
        _ document: JSONValue,
        publicKey: Curve25519.Signing.PublicKey? = nil,
        resolver: ((String) -> Curve25519.Signing.PublicKey?)? = nil
    ) -> VerificationResult {
        do {
            let method = try verifyOrThrow(document, publicKey: publicKey, resolver: resolver)
            return .verified(verificationMethod: method)
        } catch {
            return .failed(error)
        }
    }

    private static func verifyOrThrow(
        _ document: JSONValue,
        publicKey: Curve25519.Signing.PublicKey?,
        resolver: ((String) -> Curve25519.Signing.PublicKey?)?
    ) throws(VerificationFailure) -> String {
        guard case let .object(securedDocument) = document else { throw .malformed }
        var unsecuredDocument = securedDocument
        guard var proofOptions = singleProof(unsecuredDocument.removeValue(forKey: "proof")) else { throw .malformed }
        guard let type = proofOptions["type"]?.stringValue else { throw .malformed }
        guard type == proofType, proofOptions["cryptosuite"]?.stringValue == cryptosuite else { throw .unknownSuite }
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
            transformedDocument = try transformation(unsecuredDocument, options: proofOptions)
            canonicalProofConfig = try proofConfiguration(proofOptions)
        } catch {
            throw .malformed
        }
        let hash = hashData(transformedDocument: transformedDocument, canonicalProofConfig: canonicalProofConfig)

        guard let key = publicKey ?? resolver?(verificationMethod) ?? DIDKey.publicKey(resolving: verificationMethod)
        else { throw .noKey }
        guard key.isValidSignature(proofBytes, for: hash) else { throw .badSignature }
        return verificationMethod
    }

    /// The proof object, whether given alone or as the only member of a proof set.
    private static func singleProof(_ value: JSONValue?) -> JSONObject? {
        switch value {
        case let .object(proof)?: return proof
        case let .array(proofs)? where proofs.count == 1: return proofs[0].objectValue
        default: return nil
        }
    }

    /// True when the document's `@context` begins with every value of the proof's `@context`, in order.
    private static func startsWith(_ documentContext: JSONValue?, prefix proofContext: JSONValue) -> Bool {
        guard let documentContext else { return false }
        let documentValues = documentContext.arrayValue ?? [documentContext]
        let proofValues = proofContext.arrayValue ?? [proofContext]
        return documentValues.starts(with: proofValues)
    }
}
