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
import Synchronization
import Testing

/// Issue 23: the status list's freshness and its second list, keys withdrawn after a compromise,
/// what a reissue signs, and the page showing what a pasted document says.
@Suite("Status lists, withdrawn keys, reissue")
struct StatusListAndKeyTests {
    typealias Trusted = TrustedCertificateTests
    let trusted = TrustedCertificateTests()

    @Test func theListCarriesValidUntilMatchingItsCacheControlAndAnOutOfDateListIsRefused() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await trusted.setup(pool, clock: .fixed(Day("2026-11-01")!))
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let now = Date(timeIntervalSince1970: 1_796_000_130)  // 2026-11-30T…:15:30Z
            let clock = WallClock { now }
            let app = buildApplication(configuration: .init(publicURL: Trusted.publicURL, clock: clock), pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
            let profile = try await trusted.profile(s)
            let (list, cacheControl) = try await app.test(.router) { client in
                // No second list yet.
                try await client.execute(uri: "/status/2", method: .get) { #expect($0.status == .notFound) }
                return try await client.execute(uri: "/status/1", method: .get) { response in
                    (try JSONValue(parsing: Data(String(buffer: response.body).utf8)), response.headers[.cacheControl] ?? "")
                }
            }
            // Nothing revoked: dated now (its five minutes), not 1970; valid an hour after that.
            let from = try #require(list["validFrom"]?.stringValue)
            let until = try #require(list["validUntil"]?.stringValue)
            #expect(from == RFC3339.string(from: Date(timeIntervalSince1970: 1_796_000_100)))
            #expect(until == RFC3339.string(from: Date(timeIntervalSince1970: 1_796_000_100 + 3600)))
            #expect(cacheControl == "public, max-age=\(3600 - 30), must-revalidate", "the cache keeps it until validUntil")

            let document = try JSONValue(parsing: issued.certificate.credential)
            let fresh = CredentialChecker(profile: profile, statusList: list, now: now.addingTimeInterval(60)).check(document)
            #expect(fresh.failure == nil)
            #expect(fresh.values["asOf"] == CredentialChecker.asOfText(Date(timeIntervalSince1970: 1_796_000_100)))
            #expect(Messages.text("credentials.check.genuine", .en, fresh.values).contains("as of \(fresh.values["asOf"]!)"))
            let stale = CredentialChecker(profile: profile, statusList: list, now: now.addingTimeInterval(7200)).check(document)
            #expect(stale.failure == .statusListExpired)
        }
    }

    /// A list of two bits for the test: the third certificate begins list 2, served at /status/2,
    /// and revoking it sets its bit there (issuing never loops on a full list).
    @Test func whenAListsBitsAreUsedASecondListBegins() async throws {
        try await TestDatabase.withPool { pool in
            let setup = try await trusted.setup(pool)
            let repository = PostgresRepository(pool: pool)
            let issuing = CertificateIssuing(repository: repository, issuer: setup.issuer, publicURL: Trusted.publicURL, statusListSize: 2)
            let s = Trusted.Setup(pool: pool, issuer: setup.issuer, issuing: issuing)
            let first = try await issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let second = try await issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", actor: s.admin)
            #expect(first.certificate.statusList == 1 && second.certificate.statusList == 1)
            #expect(Set([first.certificate.statusIndex, second.certificate.statusIndex]) == [0, 1])
            // A reissue needs a third bit: list 2.
            let reissued = try await issuing.reissue(serial: first.certificate.serial, actor: s.admin)
            #expect(reissued.certificate.statusList == 2)
            let entry = try #require(try JSONValue(parsing: reissued.certificate.credential)["credentialStatus"])
            #expect(entry["statusListCredential"] == .string("\(Trusted.publicURL)/status/2"))
            try await issuing.revoke(serial: first.certificate.serial, reason: "test", actor: s.admin)
            let app = trusted.app(s)
            try await app.test(.router) { client in
                let list2 = try await client.execute(uri: "/status/2", method: .get) { response in
                    #expect(response.status == .ok)
                    return try JSONValue(parsing: Data(String(buffer: response.body).utf8))
                }
                #expect(list2["id"] == .string("\(Trusted.publicURL)/status/2"))
                let outcome = CredentialChecker(profile: try await trusted.profile(s), statusList: list2).check(
                    try JSONValue(parsing: reissued.certificate.credential))
                #expect(outcome.failure == .revoked)
            }
        }
    }

    @Test func aWithdrawnKeyLeavesAssertionMethodAndWhatItSignedReadsSoEverywhere() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let folder = try Trusted.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("signing-key.json").path
        let key = try IssuerKeyFile.generate(at: keyPath)
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 4)
        do {
            // The old key signed a certificate; the database now signs with `key`.
            let old = Ed25519SigningKey.generate()
            let before = try await trusted.setup(pool, key: old)
            let signedByOld = try await before.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: before.admin)
            let s = Trusted.Setup(
                pool: pool, issuer: OpenBadgeIssuer(key: key, publicURL: Trusted.publicURL),
                issuing: CertificateIssuing(
                    repository: PostgresRepository(pool: pool), issuer: OpenBadgeIssuer(key: key, publicURL: Trusted.publicURL),
                    publicURL: Trusted.publicURL))
            try await s.issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", actor: s.admin)
            let oldID = before.issuer.keyID
            let environment = ["KALAN_SIGNING_KEY=\(keyPath)", "KALAN_PUBLIC_URL=\(Trusted.publicURL)"]
            func kalan(_ arguments: [String]) async throws -> KalanProcess.Result {
                try await KalanProcess.run(
                    program: "/usr/bin/env", environment + [KalanProcess.executable.path] + arguments + ["--database-url", url, "--lang", "en"])
            }
            // The key in use is refused; the old one is withdrawn, by its multibase.
            let refused = try await kalan(["keys", "retire", s.issuer.keyID, "--reason", "test"])
            #expect(refused.code == 4, "\(refused.output)")
            let retired = try await kalan(["keys", "retire", old.publicKeyMultibase, "--reason", "key file seen by a contractor"])
            #expect(retired.code == 0, "\(retired.output)")
            #expect(retired.output.contains(oldID))

            let profile = try await trusted.profile(s)
            #expect(profile["assertionMethod"]?.arrayValue?.contains(.string(oldID)) == false)
            #expect(profile["verificationMethod"]?.arrayValue?.contains { $0["id"] == .string(oldID) } == true)

            let file = folder.appendingPathComponent("old.json")
            try Data(signedByOld.certificate.credential.utf8).write(to: file)
            let cli = try await kalan(["credential", "verify", file.path])
            #expect(cli.code == CredentialChecker.Failure.withdrawnKey.rawValue, "\(cli.output)")
            #expect(cli.output.contains("withdrew"), "\(cli.output)")

            let app = buildApplication(configuration: .init(publicURL: Trusted.publicURL), pool: pool, issuer: s.issuer, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let pasted = try await trusted.pasted(signedByOld.certificate.credential, client)
                #expect(pasted.contains("Signed by a withdrawn key"), "\(pasted)")
                let page = try await client.execute(uri: "/verify/\(signedByOld.certificate.serial)?lang=en", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("Signed by a withdrawn key"))
                let api = try await client.execute(uri: "/api/v1/certificates/\(signedByOld.certificate.serial)/verification", method: .get) {
                    try JSONValue(parsing: Data(String(buffer: $0.body).utf8))
                }
                #expect(api["withdrawnKey"] == true && api["genuine"] == false)
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    @Test func reissueKeepsTheLanguageDatesTheProofNowAndProofOnlyWorksOnOurOwnCredentials() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let folder = try Trusted.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("signing-key.json").path
        let key = try IssuerKeyFile.generate(at: keyPath)
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 4)
        do {
            let s = try await trusted.setup(pool, clock: .fixed(Day("2026-03-14")!), key: key)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", language: .en, actor: s.admin)
            let environment = ["KALAN_SIGNING_KEY=\(keyPath)", "KALAN_PUBLIC_URL=\(Trusted.publicURL)"]
            func kalan(_ arguments: [String]) async throws -> KalanProcess.Result {
                try await KalanProcess.run(
                    program: "/usr/bin/env", environment + [KalanProcess.executable.path] + arguments + ["--database-url", url])
            }
            // The operator's --lang fr words the messages; the credential stays English.
            let reissue = try await kalan(["certificate", "reissue", issued.certificate.serial, "--lang", "fr"])
            #expect(reissue.code == 0, "\(reissue.output)")
            let stored: String = try await pool.query("SELECT credential::text AS c FROM certificate WHERE serial = \(issued.certificate.serial)")
                .firstRow().decode("c")
            let document = try JSONValue(parsing: Data(stored.utf8))
            #expect(document["credentialSubject"]?["achievement"]?["inLanguage"] == "en")
            #expect(document["id"] != (try JSONValue(parsing: issued.certificate.credential))["id"], "its own id")
            let created = try #require(document["proof"]?[0]?["created"]?.stringValue)
            #expect(created > "2026-03-14T00:00:00Z", "the proof is dated when it was made: \(created)")
            #expect(document["validFrom"] == "2026-03-14T00:00:00Z", "the certificate's issue day stays")

            let file = folder.appendingPathComponent("c.json")
            try Data(stored.utf8).write(to: file)
            let proofOnly = try await kalan(["credential", "verify", "--proof-only", file.path, "--lang", "en"])
            #expect(proofOnly.code == 0, "\(proofOnly.output)")
            let full = try await kalan(["credential", "verify", file.path, "--lang", "en"])
            #expect(full.code == 0 && full.output.contains("as of"), "\(full.output)")
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// The page shows what the pasted document says (its holder, its dates), not the register's
    /// row; a genuinely signed credential valid from 2027 is not "valid" today.
    @Test func thePageShowsThePastedDocumentAndHonoursValidFrom() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await trusted.setup(pool, clock: .fixed(Day("2027-02-01")!))
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            try await pool.query("UPDATE trainee SET family_name = 'Konaté' WHERE staff_number = 'MCE-1'")
            // One application (it owns the pool), its clock moved from today to the day after validFrom.
            let today = Mutex(Day("2026-12-03")!)
            let clock = WallClock { today.withLock { WallClock.fixed($0).now() } }
            let app = buildApplication(configuration: .init(publicURL: Trusted.publicURL, clock: clock), pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let early = try await trusted.pasted(issued.certificate.credential, client)
                #expect(!early.contains(Messages.text("verify.valid", .en)), "\(early)")
                #expect(early.contains("not valid yet"))
                today.withLock { $0 = Day("2027-02-02")! }
                let html = try await trusted.pasted(issued.certificate.credential, client)
                #expect(html.contains(Messages.text("verify.valid", .en)), "\(html)")
                #expect(html.contains("Djénéba N&#39;Diaye") && !html.contains("Konaté"), "the document's holder")
            }
        }
    }

    /// Issue 23: with no public address given or recorded, `kalan serve` refuses to sign for the
    /// loopback address on a database without demo data, naming KALAN_PUBLIC_URL, unless asked.
    @Test func serveRefusesTheLoopbackAddressUnlessTheDataIsADemoOrTheOperatorSaysSo() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let folder = try Trusted.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let refused = try await KalanProcess.run(
            program: "/usr/bin/env",
            [
                "KALAN_SIGNING_KEY=\(folder.appendingPathComponent("key.json").path)", KalanProcess.executable.path, "serve", "--port", "1", "--host", "192.0.2.1",
                "--database-url", url, "--lang", "en",
            ])
        #expect(refused.code != 0, "\(refused.output)")
        #expect(refused.output.contains("KALAN_PUBLIC_URL") && refused.output.contains("--allow-loopback-url"), "\(refused.output)")
    }
}
