import Crypto
import Foundation
import KalanCertificates
import Testing

/// The W3C test vector of Data Integrity EdDSA Cryptosuites v1.0 for eddsa-rdfc-2022
/// (../shared/conformance/eddsa-rdfc-2022), step by step: canonical document, canonical proof
/// configuration, both hashes, the combined hash, the signature, the signed document.
@Suite struct EddsaRdfc2022VectorTests {
    let folder = "eddsa-rdfc-2022"

    var key: Ed25519SigningKey {
        get throws {
            let pair = try ConformanceData.json("\(folder)/keyPair.json")
            return try Ed25519SigningKey(secretKeyMultibase: try #require(pair["privateKeyMultibase"]?.stringValue))
        }
    }

    /// The signed vector without its proof.
    var unsigned: JSONObject {
        get throws {
            var document = try #require(try ConformanceData.json("\(folder)/signedDataInt.json").objectValue)
            document.removeValue(forKey: "proof")
            return document
        }
    }

    /// The proof options: the configuration without its `@context` (the document's is added).
    var proofOptions: JSONObject {
        get throws {
            var options = try #require(try ConformanceData.json("\(folder)/proofConfigDataInt.json").objectValue)
            options.removeValue(forKey: "@context")
            return options
        }
    }

    func text(_ name: String) throws -> String {
        try ConformanceData.text("\(folder)/\(name)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func transformationIsTheCanonicalDocument() throws {
        let canonical = try EddsaRdfc2022.transformation(unsigned, options: proofOptions)
        #expect(String(decoding: canonical, as: UTF8.self) == (try ConformanceData.text("\(folder)/canonDocDataInt.txt")))
    }

    @Test func proofConfigurationCarriesTheDocumentContext() throws {
        let canonical = try EddsaRdfc2022.proofConfiguration(proofOptions, unsecuredDocument: unsigned)
        #expect(String(decoding: canonical, as: UTF8.self) == (try ConformanceData.text("\(folder)/proofCanonDataInt.txt")))
        // The configuration file as given (with its @context) canonicalizes the same.
        let given = try ConformanceData.json("\(folder)/proofConfigDataInt.json")
        #expect(try LinkedDataCanonicalization.nquads(of: given) == (try ConformanceData.text("\(folder)/proofCanonDataInt.txt")))
    }

    @Test func hashesMatchTheVector() throws {
        let document = try EddsaRdfc2022.transformation(unsigned, options: proofOptions)
        let config = try EddsaRdfc2022.proofConfiguration(proofOptions, unsecuredDocument: unsigned)
        #expect(hexString(SHA256.hash(data: document)) == (try text("docHashDataInt.txt")))
        #expect(hexString(SHA256.hash(data: config)) == (try text("proofHashDataInt.txt")))
        let combined = DataIntegrity.hashData(transformedDocument: document, canonicalProofConfig: config)
        #expect(hexString(combined) == (try text("combinedHashDataInt.txt")))
    }

    @Test func signatureMatchesTheVectorInHexAndBase58() throws {
        let proof = try EddsaRdfc2022.createProof(for: unsigned, options: proofOptions, key: key)
        let proofValue = try #require(proof["proofValue"]?.stringValue)
        #expect(proofValue == (try text("sigBTC58DataInt.txt")))
        let signature = try #require(Multibase.decodeBase58BTC(proofValue, maxBytes: 64))
        #expect(hexString(signature) == (try text("sigHexDataInt.txt")))
        #expect(proof["@context"] == nil, "the proof does not repeat the document's context")
    }

    @Test func signingTheUnsignedDocumentGivesTheSignedVector() throws {
        let expected = try ConformanceData.json("\(folder)/signedDataInt.json")
        #expect(try EddsaRdfc2022.sign(.object(unsigned), options: proofOptions, key: key) == expected)
        let fromArguments = try EddsaRdfc2022.sign(
            document: .object(unsigned), key: key, verificationMethod: try #require(proofOptions["verificationMethod"]?.stringValue),
            created: "2023-02-24T23:36:38Z")
        #expect(fromArguments == expected)
    }

    @Test func signedVectorVerifiesWithItsDidKeyAndNotWithAnother() throws {
        let signed = try ConformanceData.json("\(folder)/signedDataInt.json")
        let method = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        #expect(EddsaRdfc2022.verify(signed) == .verified(verificationMethod: method))
        #expect(DataIntegrity.verify(signed, publicKey: try key.publicKey).isVerified)
        #expect(DataIntegrity.verify(signed, publicKey: Ed25519SigningKey.generate().publicKey) == .failed(.badSignature))
    }

    @Test func aChangedValueOrAReorderedDocumentIsJudgedByItsMeaning() throws {
        let signed = try ConformanceData.json("\(folder)/signedDataInt.json")
        var changed = signed
        changed["credentialSubject"]?["alumniOf"] = "The School of Forgeries"
        #expect(DataIntegrity.verify(changed) == .failed(.badSignature))
        // The same statements in another member order: the same canonical RDF, the proof holds.
        guard case let .object(object) = signed else { return }
        let reordered = JSONValue.object(JSONObject(object.members.reversed().map { ($0.key, $0.value) }))
        #expect(DataIntegrity.verify(reordered).isVerified)
    }

    @Test func anUnknownContextOrAnUndefinedTermIsUnreadableNotFetched() throws {
        let key = try key
        let method = key.didKeyVerificationMethod
        var document = JSONValue.object(try unsigned)
        document["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown-context.jsonld"]
        #expect(throws: ProofCreationError.self) { try EddsaRdfc2022.sign(document: document, key: key, verificationMethod: method, created: nil) }
        var undefined = JSONValue.object(try unsigned)
        undefined["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        do {
            _ = try EddsaRdfc2022.sign(document: undefined, key: key, verificationMethod: method, created: nil)
            Issue.record("a term no context defines was signed")
        } catch {
            #expect("\(error)".contains("AlumniCredential"), "\(error)")
        }
        // Verifying: the vector with its context swapped cannot be read, rather than read without the term.
        var signed = try ConformanceData.json("\(folder)/signedDataInt.json")
        signed["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        #expect(DataIntegrity.verify(signed) == .failed(.unreadableVocabulary))
    }

    @Test func aProofSetVerifiesWhenEveryProofDoes() throws {
        let key = try key
        let other = Ed25519SigningKey.generate()
        let document = JSONValue.object(try unsigned)
        let rdfc = try EddsaRdfc2022.sign(document: document, key: key, verificationMethod: key.didKeyVerificationMethod, created: nil)
        let jcs = try DataIntegrity.sign(document, key: other, verificationMethod: other.didKeyVerificationMethod, created: nil)
        var set = document
        set["proof"] = [rdfc["proof"]!, jcs["proof"]!]
        #expect(DataIntegrity.verify(set) == .verified(verificationMethod: key.didKeyVerificationMethod))
        var broken = set
        var altered = jcs["proof"]!
        altered["created"] = "2020-01-01T00:00:00Z"
        broken["proof"] = [rdfc["proof"]!, altered]
        #expect(DataIntegrity.verify(broken) == .failed(.badSignature))
        var empty = set
        empty["proof"] = []
        #expect(DataIntegrity.verify(empty) == .failed(.malformed))
    }
}
