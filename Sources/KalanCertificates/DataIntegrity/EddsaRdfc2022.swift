import Crypto

/// W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (Data Integrity EdDSA
/// Cryptosuites v1.0, §3.2): the document and the proof configuration are canonicalized as RDF
/// (JSON-LD expansion with pinned contexts only, then RDFC-1.0), each hashed with SHA-256, and the
/// 64 bytes signed with Ed25519. The suite Open Badges 3.0 certification accepts for embedded proofs.
public enum EddsaRdfc2022 {
    public static let cryptosuite = "eddsa-rdfc-2022"

    /// Signs `document` and returns it with an embedded `proof` (one object; see `OpenBadgeCredential`
    /// for the one-element array form).
    public static func sign(
        document: JSONValue,
        key: Ed25519SigningKey,
        verificationMethod: String,
        created: String?,
        proofPurpose: String = "assertionMethod"
    ) throws(ProofCreationError) -> JSONValue {
        var options: JSONObject = [
            "type": .string(DataIntegrity.proofType),
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
        secured["proof"] = .object(try createProof(for: secured, options: options, key: key))
        return .object(secured)
    }

    /// §3.2.1 Create Proof: the proof object (the options and `proofValue`; the document's `@context`
    /// enters the signed configuration but is not repeated in the proof).
    public static func createProof(for document: JSONObject, options: JSONObject, key: Ed25519SigningKey) throws(ProofCreationError) -> JSONObject {
        guard options["verificationMethod"]?.stringValue != nil else { throw .missingVerificationMethod }
        var proof = options
        proof.removeValue(forKey: "proofValue")
        let canonicalProofConfig = try proofConfiguration(proof, unsecuredDocument: document)
        let transformedDocument = try transformation(document, options: proof)
        let hash = DataIntegrity.hashData(transformedDocument: transformedDocument, canonicalProofConfig: canonicalProofConfig)
        guard let proofBytes = try? key.signature(for: hash) else { throw .signingFailed }
        proof["proofValue"] = .string(Multibase.encodeBase58BTC(proofBytes))
        return proof
    }

    /// §3.2.5 Proof Configuration: the options with the document's `@context`, as canonical N-Quads.
    public static func proofConfiguration(_ options: JSONObject, unsecuredDocument: JSONObject) throws(ProofCreationError) -> [UInt8] {
        try checkOptions(options)
        if let created = options["created"] {
            guard let text = created.stringValue, XMLSchemaDateTime.isValid(text) else { throw .invalidCreated }
        }
        var config = options
        config.removeValue(forKey: "@context")
        if let context = unsecuredDocument["@context"] { config["@context"] = context }
        return try canonical(.object(config))
    }

    /// §3.2.3 Transformation: the unsecured document as canonical N-Quads.
    public static func transformation(_ unsecuredDocument: JSONObject, options: JSONObject) throws(ProofCreationError) -> [UInt8] {
        try checkOptions(options)
        return try canonical(.object(unsecuredDocument))
    }

    private static func checkOptions(_ options: JSONObject) throws(ProofCreationError) {
        guard options["type"]?.stringValue == DataIntegrity.proofType, options["cryptosuite"]?.stringValue == cryptosuite else {
            throw .unsupportedProofOptions
        }
    }

    private static func canonical(_ document: JSONValue) throws(ProofCreationError) -> [UInt8] {
        do { return Array(try LinkedDataCanonicalization.nquads(of: document).utf8) } catch { throw .linkedData(error.description) }
    }
}
