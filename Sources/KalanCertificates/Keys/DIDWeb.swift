import Foundation

/// The `did:web` method (W3C CCG did:web): the DID of an https origin and path, and where its
/// document lives. `https://example.gov.ml` is `did:web:example.gov.ml`, its document at
/// `/.well-known/did.json`; `https://example.gov.ml:8443/kalan` is `did:web:example.gov.ml%3A8443:kalan`,
/// its document at `/kalan/did.json`. Wallets fetch the document over https only: a loopback
/// http URL (tests) gives the same DID, which only a test wallet maps back to http.
public enum DIDWeb {
    public static let prefix = "did:web:"

    /// The DID of `publicURL` (scheme dropped, the port's colon percent-encoded, each path segment a `:` part).
    public static func identifier(publicURL: String) -> String {
        guard let components = URLComponents(string: publicURL), let host = components.host, !host.isEmpty else {
            return prefix + publicURL.replacingOccurrences(of: ":", with: "%3A")
        }
        var authority = host.lowercased()
        if let port = components.port { authority += "%3A\(port)" }
        let segments = components.path.split(separator: "/").map { segment in
            String(segment).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? String(segment)
        }
        return prefix + ([authority] + segments).joined(separator: ":")
    }

    /// Where the DID document of `publicURL` is served: `/.well-known/did.json`, or `/<path>/did.json`.
    public static func documentURL(publicURL: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        guard let components = URLComponents(string: base), !components.path.isEmpty, components.path != "/" else {
            return base + "/.well-known/did.json"
        }
        return base + "/did.json"
    }

    /// The `Multikey` verification methods and `assertionMethod` of a DID document: every key that
    /// ever signed (`publicKeyMultibase`, current first), the withdrawn ones described but not asserted.
    public static func document(did: String, keys: [(publicKeyMultibase: String, retired: Bool)]) -> JSONValue {
        var methods: [JSONValue] = []
        var asserted: [JSONValue] = []
        var seen: Set<String> = []
        for key in keys where seen.insert(key.publicKeyMultibase).inserted {
            let id = "\(did)#\(key.publicKeyMultibase)"
            methods.append(["id": .string(id), "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(key.publicKeyMultibase)])
            if !key.retired { asserted.append(.string(id)) }
        }
        return [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": .string(did), "verificationMethod": .array(methods), "assertionMethod": .array(asserted),
        ]
    }
}
