import Crypto

/// The `did:key` method for Ed25519 keys, resolved offline: the identifier is the public key.
public enum DIDKey {
    public static let prefix = "did:key:"

    public static func identifier(for key: Curve25519.Signing.PublicKey) -> String {
        prefix + Multikey.publicKeyMultibase(key)
    }

    public static func verificationMethod(for key: Curve25519.Signing.PublicKey) -> String {
        let multibase = Multikey.publicKeyMultibase(key)
        return prefix + multibase + "#" + multibase
    }

    /// The Ed25519 key named by `did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`; nil for anything else,
    /// including a fragment that names a different key.
    public static func publicKey(resolving identifier: String) -> Curve25519.Signing.PublicKey? {
        guard identifier.hasPrefix(prefix) else { return nil }
        let parts = identifier.dropFirst(prefix.count).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let multibase = String(parts[0])
        if parts.count == 2, parts[1] != parts[0] { return nil }
        return try? Multikey.publicKey(fromMultibase: multibase)
    }
}
