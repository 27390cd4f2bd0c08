import Foundation
import KalanCertificates
import Testing

/// The W3C RDFC-1.0 test suite (../shared/conformance/rdf-canon): eval tests compare the canonical
/// N-Quads, map tests the issued identifiers, the negative test expects the poison graph refused.
@Suite struct RDFCanonTests {
    struct Entry: Sendable, CustomStringConvertible {
        let id: String
        let type: String
        let action: String
        let result: String?
        let sha384: Bool
        var description: String { id }
    }

    static let entries: [Entry] = {
        guard let manifest = try? ConformanceData.json("rdf-canon/manifest.jsonld") else { return [] }
        return (manifest["entries"]?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["id"]?.stringValue, let type = entry["type"]?.stringValue, let action = entry["action"]?.stringValue else {
                return nil
            }
            return Entry(
                id: id, type: type, action: action, result: entry["result"]?.stringValue, sha384: entry["hashAlgorithm"]?.stringValue == "SHA384")
        }
    }()

    static func canonicalize(_ entry: Entry) throws -> RDFC10.Result {
        let input = try NQuads.parse(try ConformanceData.text("rdf-canon/\(entry.action)"))
        return try RDFC10(hashAlgorithm: entry.sha384 ? .sha384 : .sha256).canonicalize(RDFDataset(input))
    }

    @Test func theSuiteIsThere() {
        #expect(Self.entries.count == 86)
    }

    @Test(arguments: entries) func entry(_ entry: Entry) throws {
        switch entry.type {
        case "rdfc:RDFC10EvalTest":
            let result = try Self.canonicalize(entry)
            #expect(result.nquads == (try ConformanceData.text("rdf-canon/\(try #require(entry.result))")))
        case "rdfc:RDFC10MapTest":
            let result = try Self.canonicalize(entry)
            let expected = try ConformanceData.json("rdf-canon/\(try #require(entry.result))")
            let map = JSONValue.object(JSONObject(result.issuedIdentifiers.map { ($0.key, JSONValue.string($0.value)) }))
            #expect(map == expected)
        case "rdfc:RDFC10NegativeEvalTest":
            let clock = ContinuousClock()
            let started = clock.now
            #expect(throws: RDFCanonicalizationError.tooComplex(limit: RDFC10.defaultMaxSteps)) { try Self.canonicalize(entry) }
            print("RDFC-1.0 \(entry.id): poison graph refused in \(clock.now - started)")
        default:
            Issue.record("unknown test type \(entry.type)")
        }
    }

    /// The most steps any positive test needs, against the limit (printed, not asserted beyond the bound).
    @Test func positiveTestsStayFarBelowTheWorkBound() throws {
        var most = 0
        var passed = 0
        for entry in Self.entries where entry.type != "rdfc:RDFC10NegativeEvalTest" {
            let result = try Self.canonicalize(entry)
            most = max(most, result.steps)
            passed += 1
        }
        #expect(most < RDFC10.defaultMaxSteps / 2)
        print("RDFC-1.0 suite: \(passed) positive tests, at most \(most) N-degree steps (limit \(RDFC10.defaultMaxSteps))")
    }

    @Test func nQuadsEscapesRoundTrip() throws {
        let quad = RDFQuad(
            subject: .blankNode("x"), predicate: .iri("urn:p"), object: .literal("a\"b\\c\n\u{1}é", datatype: RDFTerm.xsdString, language: nil))
        let line = NQuads.line(quad)
        #expect(line == "_:x <urn:p> \"a\\\"b\\\\c\\n\\u0001é\" .\n")
        #expect(try NQuads.parse(line) == [quad])
    }
}
