import Foundation
import KalanCertificates
import Testing

/// JSON-LD expansion and RDF with the pinned contexts: the compiled-in contexts are the conformance
/// copies byte for byte, nothing unknown is fetched or dropped, and Kalan's canonical N-Quads of its
/// own documents are PyLD's (scripts/rdfc_compare.py, offline, standard contexts only).
@Suite struct JSONLDExpansionTests {
    static let credentialsV2 = "https://www.w3.org/ns/credentials/v2"
    static let openBadges = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

    @Test func pinnedContextsAreTheConformanceCopiesByteForByte() throws {
        #expect(PinnedContexts.files.count == 9)
        for (url, bytes) in PinnedContexts.files {
            let name = try #require(PinnedContexts.fileNames[url])
            #expect(bytes == (try ConformanceData.bytes("jsonld-contexts/\(name)")), "\(url)")
            #expect(PinnedContexts.document(url) != nil, "\(url) parses")
        }
    }

    func canonical(_ document: JSONValue) throws -> String {
        try LinkedDataCanonicalization.nquads(of: document)
    }

    func expectError(_ expected: JSONLDError, _ document: JSONValue) {
        #expect(throws: LinkedDataCanonicalizationError.jsonLD(expected)) { try canonical(document) }
    }

    @Test func anUnknownContextIsRefusedNeverFetched() {
        expectError(
            .unknownContext("https://example.org/context.jsonld"),
            ["@context": [.string(Self.credentialsV2), "https://example.org/context.jsonld"], "type": "VerifiableCredential"])
        // Also when an inline context names it in a scoped context.
        expectError(
            .unknownContext("https://example.org/scoped.jsonld"),
            [
                "@context": [
                    .string(Self.credentialsV2), ["Thing": ["@id": "https://example.org/Thing", "@context": "https://example.org/scoped.jsonld"]],
                ],
                "type": "Thing",
            ])
        expectError(.unknownContext("relative.jsonld"), ["@context": "relative.jsonld"])
    }

    @Test func aTermNoContextDefinesIsAnErrorNotDropped() {
        expectError(
            .undefinedTerm("nickname"),
            ["@context": [.string(Self.credentialsV2)], "type": "VerifiableCredential", "credentialSubject": ["nickname": "Ami"]])
        expectError(.undefinedTerm("Diploma"), ["@context": [.string(Self.credentialsV2)], "type": ["VerifiableCredential", "Diploma"]])
    }

    @Test func aRelativeIRIIsAnError() {
        expectError(.relativeIRI("credentials/1"), ["@context": [.string(Self.credentialsV2)], "id": "credentials/1", "type": "VerifiableCredential"])
        expectError(
            .relativeIRI("issuer"), ["@context": [.string(Self.credentialsV2)], "type": "VerifiableCredential", "issuer": "issuer"])
    }

    @Test func aProtectedTermCannotBeRedefined() {
        expectError(
            .protectedTermRedefinition("name"),
            ["@context": [.string(Self.credentialsV2), ["name": "https://example.org/name"]], "type": "VerifiableCredential", "name": "x"])
    }

    @Test func languageListJSONAndGraphContainersBecomeRDF() throws {
        let document: JSONValue = [
            "@context": [
                .string(Self.credentialsV2),
                [
                    "ex": "https://example.org/", "titles": ["@id": "ex:titles", "@container": "@language"],
                    "steps": ["@id": "ex:steps", "@container": "@list"], "raw": ["@id": "ex:raw", "@type": "@json"],
                    "score": "ex:score", "ratio": "ex:ratio", "done": "ex:done",
                ],
            ],
            "id": "urn:example:1", "titles": ["fr": "Titre", "en": "Title"], "steps": ["a", "b"], "raw": ["b": 1, "a": [true, nil]],
            "score": 40, "ratio": 2.5, "done": true,
        ]
        let nquads = try canonical(document)
        #expect(nquads.contains("<urn:example:1> <https://example.org/titles> \"Titre\"@fr .\n"))
        #expect(nquads.contains("\"{\\\"a\\\":[true,null],\\\"b\\\":1}\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>"))
        #expect(nquads.contains("\"40\"^^<http://www.w3.org/2001/XMLSchema#integer>"))
        #expect(nquads.contains("\"2.5E0\"^^<http://www.w3.org/2001/XMLSchema#double>"))
        #expect(nquads.contains("\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>"))
        #expect(nquads.contains("<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"a\""))
    }

    // MARK: - Kalan's documents against PyLD

    static let key = Ed25519SigningKey.generate()
    static let publicURL = "https://kalan.example"

    /// Kalan's documents: a certificate in each language (unsigned and signed) and a status list.
    static func kalanDocuments() throws -> [(name: String, document: JSONValue)] {
        var documents: [(String, JSONValue)] = []
        for language in ["fr", "en"] {
            let credential = try OpenBadgeCredential(facts: CertificateFixtures.facts(language: language))
            documents.append(("credential-\(language).json", credential.document))
            let signed = try credential.signed(with: key, verificationMethod: key.didKeyVerificationMethod)
            documents.append(("signed-\(language).json", signed))
        }
        let statusList: JSONValue = [
            "@context": [.string(credentialsV2)], "id": "https://kalan.example/status/1",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": "https://kalan.example/issuer",
            "validFrom": "2026-12-03T10:00:00Z", "validUntil": "2026-12-04T10:00:00Z",
            "credentialSubject": [
                "id": "https://kalan.example/status/1#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            ],
        ]
        documents.append(("status-list.json", statusList))
        return documents
    }

    @Test func kalanCanonicalNQuadsArePyLDs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-rdfc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/rdfc_compare.py").path,
            ConformanceData.url("jsonld-contexts").path,
        ]
        // Kalan's former own context, while credentials still name it.
        var extra: Set<String> = []
        var pairs: [String] = []
        for (name, document) in try Self.kalanDocuments() {
            for context in document["@context"]?.arrayValue ?? [] {
                guard let url = context.stringValue, PinnedContexts.fileNames[url] == nil, extra.insert(url).inserted else { continue }
                let file = folder.appendingPathComponent("context-\(extra.count).jsonld")
                try Data(try #require(PinnedContexts.document(url)).serializedBytes()).write(to: file)
                arguments += ["--context", "\(url)=\(file.path)"]
            }
            let documentFile = folder.appendingPathComponent(name)
            try Data(try document.serializedBytes()).write(to: documentFile)
            var unsigned = document
            unsigned["proof"] = nil
            let nquadsFile = folder.appendingPathComponent(name + ".nq")
            try Data(try canonical(unsigned).utf8).write(to: nquadsFile)
            pairs += [documentFile.path, nquadsFile.path]
        }
        let output = try Self.python(arguments + pairs)
        #expect(output.hasSuffix("\(pairs.count / 2) of \(pairs.count / 2) documents canonicalize as PyLD does"), "\(output)")
    }

    @Test func canonicalizingACertificateTakes() throws {
        let document = try OpenBadgeCredential(facts: CertificateFixtures.facts()).document
        let clock = ContinuousClock()
        var times: [Duration] = []
        var quads = 0
        for _ in 0..<31 {
            let started = clock.now
            quads = try canonical(document).split(separator: "\n").count
            times.append(clock.now - started)
        }
        print("canonical N-Quads of a certificate (\(quads) quads): median \(times.sorted()[15]) over 31 runs")
        #expect(quads > 20)
    }

    static func python(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { return "exit \(process.terminationStatus): \(output)" }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
