import Crypto
import Foundation

/// OpenID4VCI's key proof (Appendix F.1): a compact JWS with `typ` `openid4vci-proof+jwt`, `alg`
/// `EdDSA` (Ed25519), `kid` the holder's `did:key` URL, and claims `aud` (the credential issuer
/// identifier), `iat` and `nonce`. Verified with the key its `kid` names, nothing else.
public enum ProofJWT {
    public enum Failure: String, Error, Sendable {
        case malformed, type, algorithm, key, signature, audience, issuedAt, nonce
    }

    public struct Verified: Sendable {
        /// The holder's DID (the `kid` without its fragment).
        public var holder: String
        public var nonce: String
    }

    public static let type = "openid4vci-proof+jwt"

    public static func verify(_ jwt: String, audience: String, now: Date, maxAge: TimeInterval = 300) -> Result<Verified, Failure> {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard jwt.utf8.count <= 8192, parts.count == 3, let headerBytes = base64URLDecode(parts[0]), let payloadBytes = base64URLDecode(parts[1]),
            let signature = base64URLDecode(parts[2]), case let .object(header)? = try? JSONValue(parsing: headerBytes),
            case let .object(claims)? = try? JSONValue(parsing: payloadBytes)
        else { return .failure(.malformed) }
        guard header["typ"]?.stringValue == type else { return .failure(.type) }
        guard header["alg"]?.stringValue == "EdDSA" || header["alg"]?.stringValue == "Ed25519" else { return .failure(.algorithm) }
        guard header["jwk"] == nil, header["x5c"] == nil, let kid = header["kid"]?.stringValue, kid.hasPrefix(DIDKey.prefix), kid.contains("#"),
            let key = DIDKey.publicKey(resolving: kid)
        else { return .failure(.key) }
        guard signature.count == 64, key.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)) else { return .failure(.signature) }
        let audiences = claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? claims["aud"]?.stringValue.map { [$0] } ?? []
        guard audiences.contains(audience) else { return .failure(.audience) }
        guard let iat = claims["iat"]?.numberValue, abs(Date(timeIntervalSince1970: iat).timeIntervalSince(now)) <= maxAge else { return .failure(.issuedAt) }
        guard let nonce = claims["nonce"]?.stringValue else { return .failure(.nonce) }
        return .success(Verified(holder: String(kid.prefix { $0 != "#" }), nonce: nonce))
    }

    static func base64URLDecode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
