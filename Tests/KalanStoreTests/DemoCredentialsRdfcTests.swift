import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Every demo credential (`kalan db seed --demo`, current and superseded copies) carries an
/// eddsa-rdfc-2022 proof that verifies with the issuer's key, and its canonical N-Quads are PyLD's
/// (scripts/rdfc_compare.py: PyLD with a loader that serves the pinned standard contexts only), and
/// openbadgeslib's OB 3.0 verifier accepts each (scripts/ob3_verify.py).
@Suite("Demo credentials: eddsa-rdfc-2022, canonical N-Quads as PyLD's", .serialized)
struct DemoCredentialsRdfcTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyDemoCredentialIsSignedWithRdfcAndCanonicalizesAsPyLDDoes() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-rdfc-demo-\(UUID().uuidString.prefix(8))")
        let data = root.appendingPathComponent("data")
        let files = root.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let seeded = try await KalanProcess.run(["db", "seed", "--demo", "--data-dir", data.path, "--log-level", "warning"])
        try #require(seeded.code == 0, "\(seeded.output)")
        let key = try IssuerKeyFile.load(data.appendingPathComponent("signing-key.json").path)

        let server = EmbeddedPostgres(dataDirectory: data)
        let lease = try await server.lease()
        let pool = PostgresPool(configuration: .init(url: server.url(database: "kalan")), maxConnections: 1)
        let stored: [String]
        let statusList: JSONValue
        do {
            stored = try await pool.query("SELECT credential::text AS c FROM certificate UNION ALL SELECT credential::text FROM certificate_superseded")
                .map { try $0.decode("c", as: String.self) }
            // The status list credential as the server would serve it, from the same records.
            let first = try #require(stored.first)
            let issuerID = try #require(try JSONValue(parsing: Data(first.utf8))["issuer"]?["id"]?.stringValue)
            let issuer = OpenBadgeIssuer(key: key, publicURL: String(issuerID.dropLast("/issuer".count)))
            statusList = try await StatusListPublisher(issuer: issuer, records: CredentialRecords(repository: PostgresRepository(pool: pool))).current()
                .credential
        } catch {
            await pool.close()
            try await lease.release()
            throw error
        }
        await pool.close()
        try await lease.release()
        #expect(stored.count > 200)

        var pairs: [String] = []
        var rdfc = 0
        var verified = 0
        var times: [Duration] = []
        let clock = ContinuousClock()
        for (number, text) in stored.enumerated() {
            let document = try JSONValue(parsing: Data(text.utf8))
            let proofs = document["proof"]?.arrayValue ?? [document["proof"] ?? .null]
            if proofs.count == 1, proofs[0]["cryptosuite"] == "eddsa-rdfc-2022" { rdfc += 1 }
            if DataIntegrity.verify(document, publicKey: key.publicKey).isVerified { verified += 1 }
            var unsigned = document
            unsigned["proof"] = nil
            let started = clock.now
            let nquads = try LinkedDataCanonicalization.nquads(of: unsigned)
            times.append(clock.now - started)
            let documentFile = files.appendingPathComponent("credential-\(number).json")
            let nquadsFile = files.appendingPathComponent("credential-\(number).nq")
            try Data(text.utf8).write(to: documentFile)
            try Data(nquads.utf8).write(to: nquadsFile)
            pairs += [documentFile.path, nquadsFile.path]
        }
        #expect(rdfc == stored.count, "every demo credential has one eddsa-rdfc-2022 proof")
        #expect(statusList["proof"]?["cryptosuite"] == "eddsa-rdfc-2022")
        #expect(DataIntegrity.verify(statusList, publicKey: key.publicKey).isVerified)
        let statusListFile = files.appendingPathComponent("status-list.json")
        let statusListNQuads = files.appendingPathComponent("status-list.nq")
        try Data(try statusList.serializedBytes()).write(to: statusListFile)
        var unsignedList = statusList
        unsignedList["proof"] = nil
        try Data(try LinkedDataCanonicalization.nquads(of: unsignedList).utf8).write(to: statusListNQuads)
        #expect(verified == stored.count, "every demo credential verifies with the issuer's key")
        print("\(stored.count) demo credentials: canonical N-Quads median \(times.sorted()[times.count / 2]) (debug build)")

        let compare = try await KalanProcess.run(
            program: "/usr/bin/env",
            [
                "python3", Self.repoRoot.appendingPathComponent("scripts/rdfc_compare.py").path,
                Self.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/jsonld-contexts").path,
            ] + pairs + [statusListFile.path, statusListNQuads.path])
        let last = compare.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(compare.code == 0 && last == "\(stored.count + 1) of \(stored.count + 1) documents canonicalize as PyLD does", "\(compare.output.suffix(3000))")
        print(last)

        // An Open Badges 3.0 verifier Kalan did not write, pinned to the issuer's key, standard contexts only.
        let documents = stride(from: 0, to: pairs.count, by: 2).map { pairs[$0] }
        let ob3 = try await KalanProcess.run(
            program: "/usr/bin/env",
            ["python3", Self.repoRoot.appendingPathComponent("scripts/ob3_verify.py").path, key.publicKeyMultibase, "--status-list", statusListFile.path]
                + documents)
        let verdict = ob3.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(ob3.code == 0 && verdict.hasPrefix("\(stored.count) of \(stored.count) credentials verified by openbadgeslib"), "\(ob3.output.suffix(3000))")
        print(verdict)
    }
}
