import Crypto
import Foundation
import KalanCertificates
import Testing

@Suite struct ProofVerificationTests {
    static let credential: JSONValue = [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": "https://kalan.example/issuers/ministry",
        "validFrom": "2026-11-24T00:00:00Z",
        "credentialSubject": ["name": "Aïssata Traoré", "hours": 35, "note": "ligne 1\nligne 2 «é» 😂"],
    ]

    func signed(with key: Ed25519SigningKey, created: String? = "2026-11-24T08:30:00Z") throws -> JSONValue {
        try DataIntegrity.sign(Self.credential, key: key, verificationMethod: key.didKeyVerificationMethod, created: created)
    }

    @Test func freshKeyRoundTrips() throws {
        let key = Ed25519SigningKey.generate()
        let document = try signed(with: key)
        #expect(DataIntegrity.verify(document) == .verified(verificationMethod: key.didKeyVerificationMethod))
        #expect(document["proof"]?["@context"] == Self.credential["@context"])
        #expect(document["proof"]?["cryptosuite"] == "eddsa-jcs-2022")
    }

    @Test func verifiesAfterReparsingTheSerialisedDocument() throws {
        let document = try signed(with: Ed25519SigningKey.generate())
        #expect(DataIntegrity.verify(try JSONValue(parsing: document.serialized())).isVerified)
    }

    @Test func signingIsDeterministic() throws {
        let key = Ed25519SigningKey.generate()
        #expect(try signed(with: key) == signed(with: key))
    }

    @Test func anyChangedByteFailsVerification() throws {
        let document = try signed(with: Ed25519SigningKey.generate())
        let canonical = try JCS.canonicalize(document)
        var stillParsed = 0
        for index in canonical.indices {
            var mutated = canonical
            mutated[index] ^= 0x01  // flips one bit: another character, or broken JSON
            guard let changed = try? JSONValue(parsing: mutated) else { continue }
            stillParsed += 1
            let result = DataIntegrity.verify(changed)
            #expect(!result.isVerified, "byte \(index) (\(UnicodeScalar(canonical[index]))) changed and still verified")
        }
        #expect(stillParsed > canonical.count / 2)
    }

    @Test func changingEachCharacterOfEveryStringFails() throws {
        let document = try signed(with: Ed25519SigningKey.generate())
        for path in [
            ["id"], ["issuer"], ["validFrom"], ["credentialSubject", "name"], ["credentialSubject", "note"],
            ["proof", "created"], ["proof", "proofValue"], ["proof", "verificationMethod"], ["proof", "proofPurpose"],
        ] {
            let original = try #require(value(in: document, at: path)?.stringValue)
            for offset in 0..<original.unicodeScalars.count {
                var scalars = Array(original.unicodeScalars)
                scalars[offset] = scalars[offset] == "x" ? "y" : "x"
                let changed = setting(.string(String(String.UnicodeScalarView(scalars))), in: document, at: path)
                #expect(!DataIntegrity.verify(changed).isVerified, "\(path) changed at \(offset) and still verified")
            }
        }
    }

    @Test func changedProofValueIsABadSignature() throws {
        let key = Ed25519SigningKey.generate()
        var document = try signed(with: key)
        let other = try signed(with: Ed25519SigningKey.generate())
        document["proof"]?["proofValue"] = other["proof"]?["proofValue"]
        #expect(DataIntegrity.verify(document) == .failed(.badSignature))
    }

    @Test func changedCreatedIsABadSignature() throws {
        var document = try signed(with: Ed25519SigningKey.generate())
        document["proof"]?["created"] = "2026-11-24T08:30:01Z"
        #expect(DataIntegrity.verify(document) == .failed(.badSignature))
    }

    @Test func changedNumberIsABadSignature() throws {
        var document = try signed(with: Ed25519SigningKey.generate())
        document["credentialSubject"]?["hours"] = 36
        #expect(DataIntegrity.verify(document) == .failed(.badSignature))
    }

    @Test func proofWithoutCreatedVerifies() throws {
        let document = try signed(with: Ed25519SigningKey.generate(), created: nil)
        #expect(document["proof"]?["created"] == nil)
        #expect(DataIntegrity.verify(document).isVerified)
    }

    @Test func otherSuitesAreUnknown() throws {
        var document = try signed(with: Ed25519SigningKey.generate())
        document["proof"]?["cryptosuite"] = "ecdsa-sd-2023"
        #expect(DataIntegrity.verify(document) == .failed(.unknownSuite))
        // Named eddsa-rdfc-2022, a JCS signature is checked as RDFC and does not match.
        document["proof"]?["cryptosuite"] = "eddsa-rdfc-2022"
        #expect(DataIntegrity.verify(document) == .failed(.badSignature))
        document["proof"]?["cryptosuite"] = nil
        document["proof"]?["type"] = "Ed25519Signature2020"
        #expect(DataIntegrity.verify(document) == .failed(.unknownSuite))
    }

    @Test func malformedDocumentsAreReportedAsMalformed() throws {
        let good = try signed(with: Ed25519SigningKey.generate())
        var noProof = good
        noProof["proof"] = nil
        var badEncoding = good
        badEncoding["proof"]?["proofValue"] = .string("u" + String(good["proof"]!["proofValue"]!.stringValue!.dropFirst()))
        var badCreated = good
        badCreated["proof"]?["created"] = "24/11/2026"
        var noPurpose = good
        noPurpose["proof"]?["proofPurpose"] = nil
        var twoProofs = good
        // A proof set verifies proof by proof: one that is not an object makes it malformed.
        twoProofs["proof"] = [good["proof"]!, "text"]
        for document in [noProof, badEncoding, badCreated, noPurpose, twoProofs, .array([good]), "text"] {
            #expect(DataIntegrity.verify(document) == .failed(.malformed))
        }
    }

    @Test func proofSetOfOneIsAccepted() throws {
        var document = try signed(with: Ed25519SigningKey.generate())
        document["proof"] = [document["proof"]!]
        #expect(DataIntegrity.verify(document).isVerified)
    }

    @Test func contextNotStartingWithTheProofContextIsAMismatch() throws {
        var document = try signed(with: Ed25519SigningKey.generate())
        document["@context"] = ["https://www.w3.org/ns/credentials/examples/v2", "https://www.w3.org/ns/credentials/v2"]
        #expect(DataIntegrity.verify(document) == .failed(.contextMismatch))
        document["@context"] = nil
        #expect(DataIntegrity.verify(document) == .failed(.contextMismatch))
    }

    @Test func contextAppendedAfterTheProofContextIsNotSignedAsTheRecommendationSays() throws {
        // Verify Proof step 4 replaces the document @context by the proof's before hashing.
        var document = try signed(with: Ed25519SigningKey.generate())
        document["@context"] = .array(Self.credential["@context"]!.arrayValue! + ["https://kalan.example/extra"])
        #expect(DataIntegrity.verify(document).isVerified)
    }

    @Test func httpsVerificationMethodNeedsAKeyOrAResolver() throws {
        let key = Ed25519SigningKey.generate()
        let method = "https://kalan.example/issuers/ministry#key-1"
        let document = try DataIntegrity.sign(Self.credential, key: key, verificationMethod: method, created: nil)
        #expect(DataIntegrity.verify(document) == .failed(.noKey))
        #expect(DataIntegrity.verify(document, publicKey: key.publicKey) == .verified(verificationMethod: method))
        let resolved = DataIntegrity.verify(document, resolver: { $0 == method ? key.publicKey : nil })
        #expect(resolved == .verified(verificationMethod: method))
        #expect(DataIntegrity.verify(document, resolver: { _ in nil }) == .failed(.noKey))
    }

    @Test func signingRefusesBadInput() throws {
        let key = Ed25519SigningKey.generate()
        let method = key.didKeyVerificationMethod
        let document = try signed(with: key)
        #expect(throws: ProofCreationError.documentAlreadyHasProof) {
            try DataIntegrity.sign(document, key: key, verificationMethod: method, created: nil)
        }
        #expect(throws: ProofCreationError.invalidCreated) {
            try DataIntegrity.sign(Self.credential, key: key, verificationMethod: method, created: "2026-13-01T00:00:00Z")
        }
        #expect(throws: ProofCreationError.documentIsNotAnObject) {
            try DataIntegrity.sign([1, 2], key: key, verificationMethod: method, created: nil)
        }
        #expect(throws: ProofCreationError.unsupportedProofOptions) {
            try DataIntegrity.sign(Self.credential, options: ["type": "DataIntegrityProof", "verificationMethod": "x"], key: key)
        }
    }

    @Test(
        arguments: [
            ("2026-11-24T00:00:00Z", true), ("2026-11-24T00:00:00.123+01:00", true), ("2026-11-24T24:00:00Z", true),
            ("2026-11-24T00:00:00", true), ("2026-11-24", false), ("2026-11-24T25:00:00Z", false),
            ("2026-11-24T00:00:00.Z", false), ("26-11-24T00:00:00Z", false), ("2026-11-24T00:00:00Zjunk", false),
        ] as [(String, Bool)])
    func createdMustBeAnXMLSchemaDateTime(created: String, valid: Bool) throws {
        let key = Ed25519SigningKey.generate()
        let attempt = Result { try DataIntegrity.sign(Self.credential, key: key, verificationMethod: key.didKeyVerificationMethod, created: created) }
        #expect(((try? attempt.get()) != nil) == valid)
    }

    private func value(in document: JSONValue, at path: [String]) -> JSONValue? {
        path.reduce(Optional(document)) { $0?[$1] }
    }

    private func setting(_ newValue: JSONValue, in document: JSONValue, at path: [String]) -> JSONValue {
        guard let first = path.first else { return newValue }
        var copy = document
        copy[first] = setting(newValue, in: document[first] ?? .null, at: Array(path.dropFirst()))
        return copy
    }
}
