import Crypto

/// Why a Multikey value or document was refused.
public enum MultikeyError: Error, Sendable, Equatable {
    case notBase58BTCMultibase
    case wrongHeader
    case wrongLength
    case notAMultikeyDocument
    case missingSecretKey
    case publicKeyDoesNotMatchSecretKey
}

/// Multikey encodings of Ed25519 keys (W3C Controlled Identifiers, Data Integrity EdDSA §2.1.1):
/// a two-byte multicodec header, the 32 raw key bytes, all in base58btc multibase.
public enum Multikey {
    /// Multicodec `ed25519-pub` (0xed) as a varint.
    public static let ed25519PublicKeyHeader: [UInt8] = [0xED, 0x01]
    /// Multicodec `ed25519-priv` (0x1300) as a varint; the payload is the 32-byte seed.
    public static let ed25519SecretKeyHeader: [UInt8] = [0x80, 0x26]

    public static func publicKeyMultibase(_ key: Curve25519.Signing.PublicKey) -> String {
        Multibase.encodeBase58BTC(ed25519PublicKeyHeader + Array(key.rawRepresentation))
    }

    public static func publicKey(fromMultibase text: String) throws(MultikeyError) -> Curve25519.Signing.PublicKey {
        let raw = try payload(of: text, header: ed25519PublicKeyHeader)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { throw .wrongLength }
        return key
    }

    /// The public key of a Multikey document (`{"type":"Multikey","publicKeyMultibase":…}`).
    public static func publicKey(fromDocument document: JSONValue) throws(MultikeyError) -> Curve25519.Signing.PublicKey {
        guard document["type"]?.stringValue == "Multikey", let text = document["publicKeyMultibase"]?.stringValue
        else { throw .notAMultikeyDocument }
        return try publicKey(fromMultibase: text)
    }

    static func payload(of text: String, header: [UInt8]) throws(MultikeyError) -> [UInt8] {
        guard let bytes = Multibase.decodeBase58BTC(text, maxBytes: header.count + 32) else { throw .notBase58BTCMultibase }
        guard bytes.starts(with: header) else { throw .wrongHeader }
        guard bytes.count == header.count + 32 else { throw .wrongLength }
        return Array(bytes.dropFirst(header.count))
    }
}
