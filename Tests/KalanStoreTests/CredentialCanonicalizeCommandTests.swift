import Foundation
import KalanCertificates
import KalanTestSupport
import Testing

/// `kalan credential canonicalize` prints what eddsa-rdfc-2022 signs (the W3C vector's canonical
/// document), refuses an unknown context by name, and `kalan credential sign --cryptosuite
/// eddsa-rdfc-2022` signs a document that then verifies.
@Suite struct CredentialCanonicalizeCommandTests {
    static let conformance = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/conformance")

    @Test func canonicalizePrintsTheVectorsCanonicalDocumentAndRefusesAnUnknownContext() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let vector = Self.conformance.appendingPathComponent("eddsa-rdfc-2022")
        let result = try await KalanProcess.run(["credential", "canonicalize", vector.appendingPathComponent("signedDataInt.json").path])
        #expect(result.code == 0)
        #expect(result.output == (try String(contentsOf: vector.appendingPathComponent("canonDocDataInt.txt"), encoding: .utf8)))

        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-canon-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = folder.appendingPathComponent("unknown.json")
        try Data(#"{"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/mine.jsonld"], "type": "VerifiableCredential"}"#.utf8)
            .write(to: unknown)
        let refused = try await KalanProcess.run(["credential", "canonicalize", unknown.path])
        #expect(refused.code != 0 && refused.output.contains("https://example.org/mine.jsonld"), "\(refused.output)")

        // Signed with eddsa-rdfc-2022 from the command line, then verified (proof only, did:key).
        let keyFile = folder.appendingPathComponent("key.json").path
        let key = try IssuerKeyFile.loadOrCreate(keyFile)
        var unsigned = try JSONValue(parsing: Data(contentsOf: vector.appendingPathComponent("signedDataInt.json")))
        unsigned["proof"] = nil
        let unsignedFile = folder.appendingPathComponent("unsigned.json")
        try Data(try unsigned.serializedBytes()).write(to: unsignedFile)
        let signed = try await KalanProcess.run([
            "credential", "sign", "--key", keyFile, "--verification-method", key.didKeyVerificationMethod, "--cryptosuite", "eddsa-rdfc-2022",
            unsignedFile.path,
        ])
        #expect(signed.code == 0, "\(signed.output)")
        let document = try JSONValue(parsing: Data(signed.output.utf8))
        #expect(document["proof"]?["cryptosuite"] == "eddsa-rdfc-2022")
        #expect(DataIntegrity.verify(document) == .verified(verificationMethod: key.didKeyVerificationMethod))
    }
}
