import Foundation
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

/// Issue 23: credentials from before the status list (a did:key method, no `credentialStatus`)
/// are checked against the register by the CLI, the page and the API; a stranger is told their
/// status cannot be checked offline; `certificate reissue --legacy` gives them a status entry.
@Suite("Legacy credentials and the register")
struct LegacyCredentialTests {
    typealias Trusted = TrustedCertificateTests
    let trusted = TrustedCertificateTests()

    /// Rewrites the stored credential of `serial` in the form of before the status list: no
    /// `credentialStatus`, signed by the issuer key named as a did:key (listed as a signing key).
    static func makeLegacy(_ s: Trusted.Setup, serial: String) async throws -> String {
        let stored: String = try await s.pool.query("SELECT credential::text AS c FROM certificate WHERE serial = \(serial)").firstRow().decode("c")
        var document = try JSONValue(parsing: Data(stored.utf8))
        document["credentialStatus"] = nil
        document["proof"] = nil
        // Signed before the ministry's DID: the issuer was the /issuer profile.
        document["issuer"]?["id"] = .string(s.issuer.profileURL)
        let method = s.issuer.key.didKeyVerificationMethod
        let signed = try DataIntegrity.sign(document, key: s.issuer.key, verificationMethod: method, created: "2025-06-01T00:00:00Z").serialized()
        try await s.pool.query(
            "INSERT INTO signing_key (id, public_key_multibase) VALUES (\(method), \(s.issuer.key.publicKeyMultibase)) ON CONFLICT (id) DO NOTHING")
        try await s.pool.query(
            "UPDATE certificate SET credential = \(PostgresJSON(text: signed)), signing_key_id = \(method) WHERE serial = \(serial)")
        return signed
    }

    /// The API's verdict on a posted credential.
    func apiVerdict(_ credential: String, _ client: some TestClientProtocol) async throws -> JSONValue {
        try await client.execute(
            uri: "/api/v1/credentials/verification?lang=en", method: .post, headers: [.contentType: "application/json", .accept: "application/json"],
            body: ByteBuffer(string: credential)
        ) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return try JSONValue(parsing: Data(String(buffer: response.body).utf8))
        }
    }

    @Test func legacyRevokedAndReplacedCopiesAreRefusedByTheCommandLineThePageAndTheAPI() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let folder = try Trusted.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("signing-key.json").path
        let key = try IssuerKeyFile.generate(at: keyPath)
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 4)
        do {
            let s = try await trusted.setup(pool, key: key)
            let revoked = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin).certificate.serial
            let replaced = try await s.issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", actor: s.admin).certificate.serial
            let revokedCopy = try await Self.makeLegacy(s, serial: revoked)
            let replacedCopy = try await Self.makeLegacy(s, serial: replaced)

            // Before anything happens, the register vouches for both legacy copies.
            #expect(try await trusted.verification(s).check(try JSONValue(parsing: Data(revokedCopy.utf8))).failure == nil)
            try await s.issuing.revoke(serial: revoked, reason: "erreur", actor: s.admin)
            let reissued = try await s.issuing.reissue(serial: replaced, actor: s.admin)
            #expect(try JSONValue(parsing: reissued.certificate.credential)["credentialStatus"] != nil)

            // The policy: revoked, and replaced (superseded, with its day).
            let checkRevoked = try await trusted.verification(s).check(try JSONValue(parsing: Data(revokedCopy.utf8)))
            #expect(checkRevoked.failure == .revoked && checkRevoked.supersededAt == nil)
            let checkReplaced = try await trusted.verification(s).check(try JSONValue(parsing: Data(replacedCopy.utf8)))
            #expect(checkReplaced.failure == .revoked && checkReplaced.supersededAt != nil)

            // The command line, with this Kalan's database: exit 15 for both.
            let environment = ["KALAN_SIGNING_KEY=\(keyPath)", "KALAN_PUBLIC_URL=\(Trusted.publicURL)"]
            for (name, copy) in [("revoked", revokedCopy), ("replaced", replacedCopy)] {
                let file = folder.appendingPathComponent("\(name).json")
                try Data(copy.utf8).write(to: file)
                let cli = try await KalanProcess.run(
                    program: "/usr/bin/env", environment + [KalanProcess.executable.path, "credential", "verify", file.path, "--database-url", url, "--lang", "en"])
                #expect(cli.code == CredentialChecker.Failure.revoked.rawValue, "\(name): \(cli.output)")
                #expect(!cli.output.contains("not revoked"), "\(name): \(cli.output)")
                if name == "replaced" { #expect(cli.output.contains("This copy was replaced on"), "\(cli.output)") }
            }

            // A stranger, with the issuer's profile but no register: "cannot be checked offline", exit 20.
            let profileFile = folder.appendingPathComponent("issuer.json")
            try Data(try await trusted.verification(s).issuerProfile().serialized().utf8).write(to: profileFile)
            let stranger = try await KalanProcess.run(
                program: "/usr/bin/env",
                [
                    "KALAN_PUBLIC_URL=https://elsewhere.example", KalanProcess.executable.path, "credential", "verify", "--issuer-profile", profileFile.path,
                    folder.appendingPathComponent("revoked.json").path, "--lang", "en",
                ])
            #expect(stranger.code == CredentialChecker.Failure.statusOffline.rawValue, "\(stranger.output)")
            #expect(stranger.output.contains("cannot be checked offline") && !stranger.output.contains("not revoked"), "\(stranger.output)")

            // The page and the API.
            let app = buildApplication(configuration: .init(publicURL: Trusted.publicURL), pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let revokedPage = try await trusted.pasted(revokedCopy, client)
                #expect(revokedPage.contains("Certificate revoked"), "\(revokedPage)")
                #expect(!revokedPage.contains(Messages.text("verify.valid", .en)))
                let replacedPage = try await trusted.pasted(replacedCopy, client)
                #expect(replacedPage.contains("This copy was replaced on"), "\(replacedPage)")
                #expect(try await apiVerdict(revokedCopy, client)["verdict"] == "revoked")
                #expect(try await apiVerdict(replacedCopy, client)["verdict"] == "superseded")
                #expect(try await apiVerdict(reissued.certificate.credential, client)["verdict"] == "valid")
                let bySerial = try await client.execute(uri: "/api/v1/certificates/\(revoked)/verification", method: .get) { response in
                    try JSONValue(parsing: Data(String(buffer: response.body).utf8))
                }
                #expect(bySerial["status"] == "revoked")
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    @Test func reissueLegacyGivesEveryLegacyCertificateAStatusEntryButLeavesTheRevokedOnes() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await trusted.setup(pool)
            let first = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", language: .en, actor: s.admin).certificate.serial
            let second = try await s.issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", actor: s.admin).certificate.serial
            let firstCopy = try await Self.makeLegacy(s, serial: first)
            _ = try await Self.makeLegacy(s, serial: second)
            try await s.issuing.revoke(serial: second, reason: "erreur", actor: s.admin)
            let outcome = try await s.issuing.reissueLegacy(actor: s.admin)
            #expect(outcome.reissued == [first])
            #expect(outcome.revokedLeft == [second])
            let current: String = try await pool.query("SELECT credential::text AS c FROM certificate WHERE serial = \(first)").firstRow().decode("c")
            let document = try JSONValue(parsing: Data(current.utf8))
            #expect(document["credentialStatus"] != nil)
            #expect(document["credentialSubject"]?["achievement"]?["inLanguage"] == "en", "the credential's own language")
            #expect(document["id"]?.stringValue?.hasPrefix("\(Trusted.publicURL)/verify/\(first)#copy-") == true, "its own id")
            #expect(document["proof"]?[0]?["created"] != "2025-06-01T00:00:00Z")
            // The revoked one keeps its legacy credential and gets no copy.
            let superseded: Int = try await pool.query("SELECT count(*)::integer AS n FROM certificate_superseded").firstRow().decode("n")
            #expect(superseded == 1)
            #expect(try await trusted.verification(s).check(try JSONValue(parsing: Data(firstCopy.utf8))).supersededAt != nil)
            // Nothing left to do on a second run.
            #expect(try await s.issuing.reissueLegacy(actor: s.admin).reissued.isEmpty)
        }
    }

    /// A posted credential is checked under the same per-address budget as the serial checks.
    @Test func thePostedCredentialCheckIsRateLimitedWithTheSerialChecks() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await trusted.setup(pool)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            var configuration = ServerConfiguration(publicURL: Trusted.publicURL)
            configuration.verificationBurst = 2
            configuration.verificationsPerMinute = 1
            let app = buildApplication(configuration: configuration, pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                #expect(try await apiVerdict(issued.certificate.credential, client)["verdict"] == "valid")
                try await client.execute(uri: "/api/v1/certificates/\(issued.certificate.serial)/verification", method: .get) { #expect($0.status == .ok) }
                try await client.execute(
                    uri: "/api/v1/credentials/verification", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: issued.certificate.credential)
                ) { #expect($0.status == .tooManyRequests) }
            }
        }
    }
}
