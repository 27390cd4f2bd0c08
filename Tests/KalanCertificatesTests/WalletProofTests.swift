import Crypto
import Foundation
import KalanCertificates
import Testing

/// Issue 31: the ministry's did:web, and the wallet's proofs Kalan accepts or refuses.
struct WalletProofTests {
    @Test func didWebOfThePublicURL() {
        #expect(DIDWeb.identifier(publicURL: "https://kalan.mcenma.gouv.ml") == "did:web:kalan.mcenma.gouv.ml")
        #expect(DIDWeb.identifier(publicURL: "https://Kalan.example.ml:8443/drh/kalan/") == "did:web:kalan.example.ml%3A8443:drh:kalan")
        #expect(DIDWeb.documentURL(publicURL: "https://kalan.mcenma.gouv.ml/") == "https://kalan.mcenma.gouv.ml/.well-known/did.json")
        #expect(DIDWeb.documentURL(publicURL: "https://example.ml/drh") == "https://example.ml/drh/did.json")
    }

    @Test func theDIDDocumentAssertsEveryKeyButTheWithdrawnOnes() {
        let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "https://kalan.example.ml")
        let old = Ed25519SigningKey.generate()
        let document = issuer.didDocument(keys: [
            ("https://kalan.example.ml/issuer#\(old.publicKeyMultibase)", old.publicKeyMultibase, true),
            ("did:web:kalan.example.ml#\(old.publicKeyMultibase)", old.publicKeyMultibase, false),
        ])
        #expect(document["id"] == "did:web:kalan.example.ml")
        #expect(document["assertionMethod"] == [.string(issuer.keyID)], "a key withdrawn under any of its ids is no longer asserted")
        #expect(document["verificationMethod"]?.arrayValue?.count == 2, "but still described")
    }

    /// A proof JWT as OpenID4VCI wallets make it: Ed25519 over `header.payload`, kid a did:key URL.
    func jwt(_ key: Ed25519SigningKey, header: String? = nil, aud: String = "https://kalan.example.ml", iat: Date = Date(), signer: Ed25519SigningKey? = nil)
        throws -> String
    {
        func b64(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let head = b64(header ?? #"{"typ":"openid4vci-proof+jwt","alg":"EdDSA","kid":"\#(key.didKeyVerificationMethod)"}"#)
        let body = b64(#"{"aud":"\#(aud)","iat":\#(Int(iat.timeIntervalSince1970)),"nonce":"n0nce"}"#)
        let signature = try (signer ?? key).signature(for: Array("\(head).\(body)".utf8))
        let encoded = Data(signature).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "\(head).\(body).\(encoded)"
    }

    @Test func aProofJWTIsCheckedForTypeAlgorithmKeyAudienceAndTime() throws {
        let key = Ed25519SigningKey.generate()
        let now = Date()
        guard case .success(let verified) = ProofJWT.verify(try jwt(key), audience: "https://kalan.example.ml", now: now) else {
            Issue.record("a good proof is refused")
            return
        }
        #expect(verified.holder == key.didKey && verified.nonce == "n0nce")
        let refusals: [(String, ProofJWT.Failure)] = [
            (try jwt(key, aud: "https://other.example"), .audience),
            (try jwt(key, iat: now.addingTimeInterval(-3600)), .issuedAt),
            (try jwt(key, signer: .generate()), .signature),
            (try jwt(key, header: #"{"typ":"JWT","alg":"EdDSA","kid":"\#(key.didKeyVerificationMethod)"}"#), .type),
            (try jwt(key, header: #"{"typ":"openid4vci-proof+jwt","alg":"none","kid":"\#(key.didKeyVerificationMethod)"}"#), .algorithm),
        ]
        for (token, why) in refusals {
            guard case .failure(let got) = ProofJWT.verify(token, audience: "https://kalan.example.ml", now: now) else {
                Issue.record("accepted: \(why)")
                continue
            }
            #expect(got == why)
        }
    }
}
