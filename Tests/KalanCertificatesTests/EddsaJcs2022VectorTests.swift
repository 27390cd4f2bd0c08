import Crypto
import Foundation
import KalanCertificates
import Testing

/// The W3C test vector of Data Integrity EdDSA Cryptosuites v1.0, Appendix B.3 (eddsa-jcs-2022).
/// Its files have no trailing newline, so they are compared byte for byte, untrimmed.
@Suite struct EddsaJcs2022VectorTests {
    let folder = "eddsa-jcs-2022"

    var key: Ed25519SigningKey {
        get throws {
            let pair = try ConformanceData.json("\(folder)/keyPair.json")
            return try Ed25519SigningKey(secretKeyMultibase: try #require(pair["privateKeyMultibase"]?.stringValue))
        }
    }

    var unsigned: JSONObject {
        get throws { try #require(try ConformanceData.json("\(folder)/unsigned.json").objectValue) }
    }

    var proofOptions: JSONObject {
        get throws { try #require(try ConformanceData.json("\(folder)/proofConfigJCS.json").objectValue) }
    }

    @Test func transformationIsTheCanonicalDocument() throws {
        let canonical = try DataIntegrity.transformation(unsigned, options: proofOptions)
        #expect(canonical == (try ConformanceData.bytes("\(folder)/canonDocJCS.txt")))
    }

    @Test func proofConfigurationCarriesTheDocumentContext() throws {
        var options = try proofOptions
        options.removeValue(forKey: "@context")
        let document = try unsigned
        let proof = try DataIntegrity.createProof(for: document, options: options, key: key)
        #expect(proof["@context"] == document["@context"])
        var config = proof
        config.removeValue(forKey: "proofValue")
        let canonical = try DataIntegrity.proofConfiguration(config)
        #expect(canonical == (try ConformanceData.bytes("\(folder)/proofCanonJCS.txt")))
    }

    @Test func hashesMatchTheVector() throws {
        let document = try DataIntegrity.transformation(unsigned, options: proofOptions)
        let config = try DataIntegrity.proofConfiguration(proofOptions)
        #expect(hexString(SHA256.hash(data: document)) == (try ConformanceData.text("\(folder)/docHashJCS.txt")))
        #expect(hexString(SHA256.hash(data: config)) == (try ConformanceData.text("\(folder)/proofHashJCS.txt")))
        let combined = DataIntegrity.hashData(transformedDocument: document, canonicalProofConfig: config)
        #expect(hexString(combined) == (try ConformanceData.text("\(folder)/combinedHashJCS.txt")))
    }

    @Test func signatureMatchesTheVectorInHexAndBase58() throws {
        let proof = try DataIntegrity.createProof(for: unsigned, options: proofOptions, key: key)
        let proofValue = try #require(proof["proofValue"]?.stringValue)
        #expect(proofValue == (try ConformanceData.text("\(folder)/sigBTC58JCS.txt")))
        let signature = try #require(Multibase.decodeBase58BTC(proofValue, maxBytes: 64))
        #expect(hexString(signature) == (try ConformanceData.text("\(folder)/sigHexJCS.txt")))
    }

    @Test func signingTheUnsignedDocumentGivesTheSignedVector() throws {
        let expected = try ConformanceData.json("\(folder)/signedJCS.json")
        let signed = try DataIntegrity.sign(.object(unsigned), options: proofOptions, key: key)
        #expect(signed == expected)
        #expect(try JCS.canonicalize(signed) == JCS.canonicalize(expected))
        // The convenience signature, from the same facts, gives the same document.
        let fromArguments = try DataIntegrity.sign(
            .object(unsigned), key: key, verificationMethod: try #require(proofOptions["verificationMethod"]?.stringValue),
            created: "2023-02-24T23:36:38Z")
        #expect(fromArguments == expected)
    }

    @Test func signedVectorVerifiesWithItsDidKey() throws {
        let signed = try ConformanceData.json("\(folder)/signedJCS.json")
        let method = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        #expect(DataIntegrity.verify(signed) == .verified(verificationMethod: method))
        #expect(DataIntegrity.verify(signed, publicKey: try key.publicKey).isVerified)
    }

    @Test func signedVectorFailsWithAnotherPinnedKey() throws {
        let signed = try ConformanceData.json("\(folder)/signedJCS.json")
        #expect(DataIntegrity.verify(signed, publicKey: Ed25519SigningKey.generate().publicKey) == .failed(.badSignature))
    }
}
