import Crypto

/// An Ed25519 private key for signing credentials, with its Multikey and did:key forms.
public struct Ed25519SigningKey: Sendable {
    /// The 32-byte RFC 8032 seed; kept as bytes because swift-crypto's key type is not Sendable.
    private let seed: [UInt8]

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        seed = Array(privateKey.rawRepresentation)
    }

    public var privateKey: Curve25519.Signing.PrivateKey {
        // The seed was validated when this value was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    public static func generate() -> Ed25519SigningKey {
        Ed25519SigningKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// From the 32-byte RFC 8032 seed.
    public init(seed: [UInt8]) throws(MultikeyError) {
        guard seed.count == 32, (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) != nil else {
            throw .wrongLength
        }
        self.seed = seed
    }

    /// From `z` + base58btc(0x80 0x26 + seed), the Multikey `secretKeyMultibase`.
    public init(secretKeyMultibase: String) throws(MultikeyError) {
        try self.init(seed: Multikey.payload(of: secretKeyMultibase, header: Multikey.ed25519SecretKeyHeader))
    }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    public var publicKeyMultibase: String { Multikey.publicKeyMultibase(publicKey) }

    public var secretKeyMultibase: String {
        Multibase.encodeBase58BTC(Multikey.ed25519SecretKeyHeader + seed)
    }

    /// `did:key:z6Mk…`, the key as its own controller.
    public var didKey: String { DIDKey.identifier(for: publicKey) }

    /// `did:key:z6Mk…#z6Mk…`, the verification method to name in a proof.
    public var didKeyVerificationMethod: String { DIDKey.verificationMethod(for: publicKey) }

    /// RFC 8032 Ed25519 (pure); swift-crypto on Linux (BoringSSL) signs deterministically.
    public func signature<Bytes: Collection>(for message: Bytes) throws -> [UInt8] where Bytes.Element == UInt8 {
        Array(try privateKey.signature(for: Array(message)))
    }

    /// The Multikey document; the secret key is included only when asked, for storage, never for publishing.
    public func multikeyDocument(id: String, controller: String, includingSecretKey: Bool) -> JSONValue {
        var document: JSONObject = [
            "type": "Multikey",
            "id": .string(id),
            "controller": .string(controller),
            "publicKeyMultibase": .string(publicKeyMultibase),
        ]
        if includingSecretKey { document["secretKeyMultibase"] = .string(secretKeyMultibase) }
        return .object(document)
    }

    /// Reads a Multikey document holding `secretKeyMultibase`; its `publicKeyMultibase`, if any, must match.
    public init(multikeyDocument document: JSONValue) throws(MultikeyError) {
        guard document["type"]?.stringValue == "Multikey" else { throw .notAMultikeyDocument }
        guard let secret = document["secretKeyMultibase"]?.stringValue else { throw .missingSecretKey }
        try self.init(secretKeyMultibase: secret)
        if let published = document["publicKeyMultibase"], published.stringValue != publicKeyMultibase {
            throw .publicKeyDoesNotMatchSecretKey
        }
    }
}
