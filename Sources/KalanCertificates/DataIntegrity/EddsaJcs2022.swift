import Crypto

/// Why a proof could not be created.
public enum ProofCreationError: Error, Sendable, Equatable {
    /// Only a JSON object can carry a proof.
    case documentIsNotAnObject
    /// Proof sets and chains are not supported: sign a document that has no `proof` yet.
    case documentAlreadyHasProof
    /// Proof options must say `type` DataIntegrityProof and `cryptosuite` eddsa-jcs-2022.
    case unsupportedProofOptions
    /// `created` must be an XML Schema dateTime (e.g. 2026-11-24T00:00:00Z).
    case invalidCreated
    case missingVerificationMethod
    case nonFiniteNumber
    case signingFailed
    /// eddsa-rdfc-2022: the document has no canonical RDF form here (an unknown context, a term no
    /// context defines, a relative IRI, or a poison graph); the text says which.
    case linkedData(String)
}

/// W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite
/// (Data Integrity EdDSA Cryptosuites v1.0, W3C Recommendation, §3.3).
public enum DataIntegrity {
    public static let proofType = "DataIntegrityProof"
    public static let cryptosuite = "eddsa-jcs-2022"

    /// Signs `document` and returns it with an embedded `proof`
    /// (`type`, `cryptosuite`, `created` when given, `verificationMethod`, `proofPurpose`, `@context`, `proofValue`).
    public static func sign(
        _ document: JSONValue,
        key: Ed25519SigningKey,
        verificationMethod: String,
        created: String?,
        proofPurpose: String = "assertionMethod"
    ) throws(ProofCreationError) -> JSONValue {
        var options: JSONObject = [
            "type": .string(proofType),
            "cryptosuite": .string(cryptosuite),
            "verificationMethod": .string(verificationMethod),
            "proofPurpose": .string(proofPurpose),
        ]
        if let created { options["created"] = .string(created) }
        return try sign(document, options: options, key: key)
    }

    /// Signs with caller-made proof options (e.g. the W3C test vector's), then embeds the proof.
    public static func sign(_ document: JSONValue, options: JSONObject, key: Ed25519SigningKey) throws(ProofCreationError) -> JSONValue {
        guard case var .object(secured) = document else { throw .documentIsNotAnObject }
        guard !secured.contains("proof") else { throw .documentAlreadyHasProof }
        let proof = try createProof(for: secured, options: options, key: key)
        secured["proof"] = .object(proof)
        return .object(secured)
    }

    /// §3.3.1 Create Proof: the proof object (options + document `@context` + `proofValue`).
    public static func createProof(for document: JSONObject, options: JSONObject, key: Ed25519SigningKey) throws(ProofCreationError) -> JSONObject {
        guard options["verificationMethod"]?.stringValue != nil else { throw .missingVerificationMethod }
        var proof = options
        proof.removeValue(forKey: "proofValue")
        // Step 2: binds the proof to the document's contexts so that they cannot be swapped.
        if let context = document["@context"] { proof["@context"] = context }
        let canonicalProofConfig = try proofConfiguration(proof)
        let transformedDocument = try transformation(document, options: proof)
        let hash = hashData(transformedDocument: transformedDocument, canonicalProofConfig: canonicalProofConfig)
        guard let proofBytes = try? key.signature(for: hash) else { throw .signingFailed }
        proof["proofValue"] = .string(Multibase.encodeBase58BTC(proofBytes))
        return proof
    }

    /// §3.3.5 Proof Configuration: JCS of the proof options after checking type, suite and `created`.
    public static func proofConfiguration(_ options: JSONObject) throws(ProofCreationError) -> [UInt8] {
        guard options["type"]?.stringValue == proofType, options["cryptosuite"]?.stringValue == cryptosuite else {
            throw .unsupportedProofOptions
        }
        if let created = options["created"] {
            guard let text = created.stringValue, XMLSchemaDateTime.isValid(text) else { throw .invalidCreated }
        }
        return try canonical(.object(options))
    }

    /// §3.3.3 Transformation: JCS of the unsecured document.
    public static func transformation(_ unsecuredDocument: JSONObject, options: JSONObject) throws(ProofCreationError) -> [UInt8] {
        guard options["type"]?.stringValue == proofType, options["cryptosuite"]?.stringValue == cryptosuite else {
            throw .unsupportedProofOptions
        }
        return try canonical(.object(unsecuredDocument))
    }

    /// §3.3.4 Hashing: SHA-256(canonical proof configuration) ‖ SHA-256(transformed document), 64 bytes.
    public static func hashData(transformedDocument: [UInt8], canonicalProofConfig: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: canonicalProofConfig)) + Array(SHA256.hash(data: transformedDocument))
    }

    private static func canonical(_ value: JSONValue) throws(ProofCreationError) -> [UInt8] {
        do { return try JCS.canonicalize(value) } catch { throw .nonFiniteNumber }
    }
}
