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

/// Issue 13: a relying party's checks (binding, dates, status), the status list read by an
/// independent reader, JSON-LD expansion with nothing dropped, the record as signed, reissue.
@Suite("Certificates a stranger can trust")
struct TrustedCertificateTests {
    static let publicURL = "http://test"
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let conformance = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")

    struct Setup {
        let pool: PostgresPool
        let issuer: OpenBadgeIssuer
        let issuing: CertificateIssuing
        let admin = Actor.commandLine(user: "test")

        var repository: PostgresRepository { PostgresRepository(pool: pool) }
    }

    /// Two completed trainees in one session; the course lasts `validityMonths` when given.
    func setup(
        _ pool: PostgresPool, validityMonths: Int? = nil, clock: WallClock = .system, key: Ed25519SigningKey = .generate()
    ) async throws -> Setup {
        let repository = PostgresRepository(pool: pool)
        let admin = Actor.commandLine(user: "test")
        let register = Register(repository: repository)
        try await register.addDepartment(code: "DNT", nameFR: "Télécoms", nameEN: "Telecoms", kind: "direction", parentCode: nil, actor: admin)
        try await register.addPartner(code: "ITRC", name: "Centre de recherche en TIC d'Iran", kind: "government", country: "IR", actor: admin)
        try await register.addCourse(
            .init(
                code: "CYB-5G", titleFR: "Cybersécurité des réseaux 5G", titleEN: "5G network cybersecurity", domain: "cybersecurity", hours: 40,
                modules: [
                    .init(titleFR: "Architecture de sécurité du cœur de réseau 5G et découpage en tranches (network slicing)", titleEN: "5G core security", hours: 16),
                    .init(titleFR: "Gestion des incidents", titleEN: "Incident handling", hours: 24),
                ]), actor: admin)
        try await register.addSession(
            .init(code: "S-CYB", courseCode: "CYB-5G", partnerCode: "ITRC", startsOn: "2026-03-02", endsOn: "2026-03-13", mode: "in_person", city: "Tehran", country: "IR", capacity: 10),
            actor: admin)
        if let validityMonths { try await pool.query("UPDATE course SET validity_months = \(validityMonths) WHERE code = 'CYB-5G'") }
        try await repository.transaction { work in
            try await work.insert(Trainee(staffNumber: "MCE-1", givenName: "Djénéba", familyName: "N'Diaye", sex: .female))
            try await work.insert(Trainee(staffNumber: "MCE-2", givenName: "Oumar", familyName: "Ag Ilyène", sex: .male))
        }
        for staff in ["MCE-1", "MCE-2"] {
            try await EnrolmentWorkflow(repository: repository).enrol(staffNumber: staff, sessionCode: "S-CYB", actor: admin)
            try await ResultsRecording(repository: repository).complete(sessionCode: "S-CYB", staffNumber: staff, actor: admin, override: (.completed, "test"))
        }
        let issuer = OpenBadgeIssuer(key: key, publicURL: Self.publicURL)
        return Setup(pool: pool, issuer: issuer, issuing: CertificateIssuing(repository: repository, issuer: issuer, publicURL: Self.publicURL, clock: clock))
    }

    func app(_ s: Setup) -> some ApplicationProtocol {
        buildApplication(configuration: .init(publicURL: Self.publicURL), pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
    }

    func json(_ response: TestResponse) throws -> JSONValue { try JSONValue(parsing: Data(String(buffer: response.body).utf8)) }

    /// The /verify page's answer to `credential` pasted into its form, in English.
    func pasted(_ credential: String, _ client: some TestClientProtocol) async throws -> String {
        let form = "credential=" + credential.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await client.execute(
            uri: "/verify?lang=en", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)
        ) { String(buffer: $0.body) }
    }

    func verification(_ s: Setup, clock: WallClock = .system) -> CredentialVerification {
        CredentialVerification(issuer: s.issuer, records: CredentialRecords(repository: s.repository), clock: clock)
    }

    /// What binds the keys of new credentials: the ministry's DID document (issue 31; the /issuer
    /// profile binds the credentials signed before the DID).
    func profile(_ s: Setup) async throws -> JSONValue { try await verification(s).didDocument() }

    // MARK: - Binding, dates, status: the relying party's checks

    @Test func genuineCredentialPassesEveryCheckAndAForgedOneIsRefused() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let document = try JSONValue(parsing: issued.certificate.credential)
            let list = try await verification(s).statusList().credential
            let checker = CredentialChecker(profile: try await profile(s), statusList: list)
            let outcome = checker.check(document)
            #expect(outcome.failure == nil, "\(outcome.values)")
            #expect(outcome.values["method"] == s.issuer.keyID)

            // Forged: the same content signed with a fresh key, named by did:key or by a key id under Kalan's issuer.
            var unsigned = document
            unsigned["proof"] = nil
            let fresh = Ed25519SigningKey.generate()
            for method in [fresh.didKeyVerificationMethod, "\(Self.publicURL)/issuer#\(fresh.publicKeyMultibase)", s.issuer.keyID] {
                let forged = try DataIntegrity.sign(unsigned, key: fresh, verificationMethod: method, created: "2026-03-14T00:00:00Z")
                let refused = checker.check(forged)
                #expect(refused.failure == .unbound || refused.failure == .proof, "\(method): \(String(describing: refused.failure))")
                #expect(refused.failure != nil)
                // Without the issuer profile, the binding cannot be vouched for either.
                #expect(CredentialChecker(statusList: list).check(forged).failure != nil)
            }
            // The proof alone (did:key) is genuine: that is what --proof-only says, and no more.
            let forgedDIDKey = try DataIntegrity.sign(unsigned, key: fresh, verificationMethod: fresh.didKeyVerificationMethod, created: nil)
            #expect(checker.check(forgedDIDKey, proofOnly: true).failure == nil)
            #expect(checker.check(forgedDIDKey).failure == .unbound)

            // The upload form refuses the forged one too.
            try await app(s).test(.router) { client in
                let html = try await pasted(try forgedDIDKey.serialized(), client)
                #expect(html.contains("Not genuine"))
                #expect(html.contains("key unknown to this ministry"))
            }
        }
    }

    @Test func expiredCredentialIsRefused() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool, validityMonths: 12, clock: .fixed(Day("2026-03-14")!))
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let document = try JSONValue(parsing: issued.certificate.credential)
            #expect(document["validUntil"] == "2027-03-14T00:00:00Z")
            // The status list as served that day (a list is valid for an hour).
            let list = try await verification(s, clock: .fixed(Day("2027-03-13")!)).statusList().credential
            let profile = try await profile(s)
            let before = CredentialChecker(profile: profile, statusList: list, now: Day("2027-03-13")!.startOfDay).check(document)
            #expect(before.failure == nil)
            let after = CredentialChecker(profile: profile, statusList: list, now: Day("2027-03-15")!.startOfDay).check(document)
            #expect(after.failure == .expired)
            #expect(after.values["day"] == "2027-03-14")
            let early = CredentialChecker(profile: profile, statusList: list, now: Day("2026-03-13")!.startOfDay).check(document)
            #expect(early.failure == .notYetValid)
        }
    }

    /// Issue 22: the /verify page used to ignore `validFrom`; it now decides with the same policy as
    /// `kalan credential verify` (the page at the server's clock): both refuse a credential valid
    /// from 2099 as not valid yet, from that day.
    @Test func notYetValidCredentialIsRefusedTheSameWayByThePageAndTheCommandLine() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("signing-key.json").path
        let key = try IssuerKeyFile.generate(at: keyPath)
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 4)
        do {
            let s = try await setup(pool, clock: .fixed(Day("2099-01-01")!), key: key)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let document = try JSONValue(parsing: issued.certificate.credential)
            #expect(document["validFrom"] == "2099-01-01T00:00:00Z")
            let outcome = try await verification(s, clock: .fixed(Day("2026-03-20")!)).check(document)
            #expect(outcome.failure == .notYetValid)
            #expect(outcome.values["day"] == "2099-01-01")

            // The command line: exit 13, "not valid yet (from 2099-01-01)", with this Kalan's own profile and list.
            let file = folder.appendingPathComponent("credential.json")
            try Data(issued.certificate.credential.utf8).write(to: file)
            let environment = "KALAN_SIGNING_KEY=\(keyPath) KALAN_PUBLIC_URL=\(Self.publicURL)".split(separator: " ").map(String.init)
            let cli = try await KalanProcess.run(
                program: "/usr/bin/env", environment + [KalanProcess.executable.path, "credential", "verify", file.path, "--database-url", url, "--lang", "en"])
            #expect(cli.code == CredentialChecker.Failure.notYetValid.rawValue, "\(cli.output)")
            #expect(cli.output.contains(Messages.text("credentials.check.not_yet_valid", .en, ["day": "2099-01-01"])), "\(cli.output)")

            // The page: the same verdict, its day written out.
            let expected = Messages.text("credentials.check.not_yet_valid", .en, ["day": Format.day(Day("2099-01-01")!, .en)])
            let app = buildApplication(
                configuration: .init(publicURL: Self.publicURL, clock: .fixed(Day("2026-03-20")!)), pool: s.pool, issuer: s.issuer,
                logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let html = try await pasted(issued.certificate.credential, client)
                #expect(html.contains(expected), "\(html)")
                #expect(!html.contains(Messages.text("verify.valid", .en)))
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// A credential signed before the server moved to another address (`serve --change-public-url`)
    /// names the old address as its issuer: the key recorded under that address makes it this
    /// Kalan's own, on the page as in the policy; an address this Kalan never had does not.
    @Test func aCredentialFromTheAddressBeforeAMoveIsStillOurs() async throws {
        try await TestDatabase.withPool { pool in
            let key = Ed25519SigningKey.generate()
            let s = try await setup(pool, key: key)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let document = try JSONValue(parsing: issued.certificate.credential)
            let moved = OpenBadgeIssuer(key: key, publicURL: "https://kalan.example.ml")
            let verification = CredentialVerification(issuer: moved, records: CredentialRecords(repository: s.repository), clock: .system)
            let outcome = try await verification.check(document)
            #expect(outcome.failure == nil, "\(outcome.values)")

            // The same key, but an address this Kalan never had: no profile vouches for it.
            var elsewhere = document
            elsewhere["proof"] = nil
            elsewhere["issuer"]?["id"] = "https://elsewhere.example/issuer"
            let signed = try DataIntegrity.sign(
                elsewhere, key: key, verificationMethod: "https://elsewhere.example/issuer#\(key.publicKeyMultibase)", created: nil)
            #expect(try await verification.check(signed).failure == .bindingUnknown)

            let app = buildApplication(configuration: .init(publicURL: moved.publicURL), pool: s.pool, issuer: moved, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let html = try await pasted(issued.certificate.credential, client)
                #expect(html.contains(Messages.text("verify.valid", .en)), "\(html)")
            }
        }
    }

    /// `kalan credential verify --help` gave the codes 1–8 of an older numbering: it names the codes
    /// the command exits with (`CredentialChecker.Failure`), each with its meaning.
    @Test func credentialVerifyHelpNamesTheExitCodesItUses() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let help = try await KalanProcess.run(["credential", "verify", "--help"])
        let text = help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let meanings: [CredentialChecker.Failure: String] = [
            .proof: "proof not genuine", .unbound: "key not listed", .bindingUnknown: "no issuer profile", .notYetValid: "not yet valid",
            .expired: "expired", .revoked: "revoked", .statusUnknown: "no status list", .statusListInvalid: "status list unreadable",
            .statusListExpired: "status list out of date", .withdrawnKey: "signed by a withdrawn key", .statusOffline: "status cannot be checked offline",
        ]
        for failure in CredentialChecker.Failure.allCases {
            let meaning = try #require(meanings[failure])
            #expect(text.contains("\(failure.rawValue) \(meaning)"), "\(failure): \(text)")
        }
    }

    /// The upload form read `validUntil` against the machine's clock: it now reads it at the
    /// server's clock, as every date of the policy. The same copy is valid the day before it ends
    /// and expired after.
    @Test func theUploadFormReadsTheDatesAtTheServersClock() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool, validityMonths: 12, clock: .fixed(Day("2026-03-14")!))
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            // One application (it owns the pool), its clock moved from one day to the next.
            let today = Mutex(Day("2027-03-13")!)
            let clock = WallClock { today.withLock { WallClock.fixed($0).now() } }
            let app = buildApplication(configuration: .init(publicURL: Self.publicURL, clock: clock), pool: s.pool, issuer: s.issuer, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                for (day, verdict) in [("2027-03-13", "verify.valid"), ("2027-03-20", "verify.expired")] {
                    today.withLock { $0 = Day(day)! }
                    let html = try await pasted(issued.certificate.credential, client)
                    #expect(html.contains(Messages.text(verdict, .en)), "\(day): \(html)")
                }
            }
        }
    }

    // MARK: - Status list

    /// An independent reader: Python's gzip and base64, reading the bit as the spec says.
    static let pythonReader = """
        import base64, gzip, json, sys
        document = json.load(open(sys.argv[1], encoding="utf-8"))
        encoded = document["credentialSubject"]["encodedList"]
        assert encoded[0] == "u", "multibase base64url"
        data = encoded[1:]
        bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        index = int(sys.argv[2])
        print(len(bits) * 8, (bits[index // 8] >> (7 - index % 8)) & 1)
        """

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

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func revokingFlipsTheBitThatAnIndependentReaderSees() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let other = try await s.issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", actor: s.admin)
            let document = try JSONValue(parsing: issued.certificate.credential)
            let entry = try #require(document["credentialStatus"])
            #expect(entry["type"] == "BitstringStatusListEntry" && entry["statusPurpose"] == "revocation")
            #expect(entry["statusListCredential"] == .string("\(Self.publicURL)/status/1"))
            let index = try #require(entry["statusListIndex"]?.stringValue)
            let folder = try Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let reader = folder.appendingPathComponent("reader.py")
            try Self.pythonReader.write(to: reader, atomically: true, encoding: .utf8)
            let listFile = folder.appendingPathComponent("status.json")
            try await app(s).test(.router) { client in
                let etag = try await client.execute(uri: "/status/1", method: .get) { response in
                    #expect(response.status == .ok)
                    try Data(String(buffer: response.body).utf8).write(to: listFile)
                    return try #require(response.headers[.eTag])
                }
                #expect(try Self.python([reader.path, listFile.path, index]) == "131072 0")
                try await client.execute(uri: "/status/1", method: .get, headers: [.ifNoneMatch: etag]) { #expect($0.status == .notModified) }

                try await s.issuing.revoke(serial: issued.certificate.serial, reason: "erreur de saisie", actor: s.admin)
                let list = try await client.execute(uri: "/status/1", method: .get, headers: [.ifNoneMatch: etag]) { response in
                    #expect(response.status == .ok, "the ETag changed with the list")
                    try Data(String(buffer: response.body).utf8).write(to: listFile)
                    return try json(response)
                }
                #expect(try Self.python([reader.path, listFile.path, index]) == "131072 1")
                let otherIndex = try #require(try JSONValue(parsing: other.certificate.credential)["credentialStatus"]?["statusListIndex"]?.stringValue)
                #expect(try Self.python([reader.path, listFile.path, otherIndex]) == "131072 0", "the other certificate stays valid")
                // Signed by the same issuer: the relying party's check now says revoked.
                let outcome = CredentialChecker(profile: try await profile(s), statusList: list).check(document)
                #expect(outcome.failure == .revoked)
                #expect(list["issuer"] == .string(s.issuer.issuerID))
            }
        }
    }

    // MARK: - JSON-LD

    @Test func jsonLDExpansionDropsNoTerm() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool, validityMonths: 24)
            let folder = try Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", language: .fr, actor: s.admin)
            let english = try await s.issuing.issue(staffNumber: "MCE-2", sessionCode: "S-CYB", language: .en, actor: s.admin)
            try await s.issuing.revoke(serial: english.certificate.serial, reason: "test", actor: s.admin)
            var files: [String] = []
            func write(_ name: String, _ text: String) throws {
                let file = folder.appendingPathComponent(name)
                try Data(text.utf8).write(to: file)
                files.append(file.path)
            }
            // Every stored credential, current and superseded.
            let stored: [String] = try await pool.query("SELECT credential::text AS c FROM certificate UNION ALL SELECT credential::text FROM certificate_superseded")
                .map { try $0.decode("c") }
            #expect(stored.count == 2)
            for (number, credential) in stored.enumerated() { try write("credential-\(number).json", credential) }
            let served = try await app(s).test(.router) { client -> [(String, String)] in
                var served: [(String, String)] = []
                for (name, uri) in [("status-list.json", "/status/1"), ("issuer.json", "/issuer"), ("achievement.json", "/issuer/achievements/CYB-5G")] {
                    let body = try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .ok, "\(uri)")
                        return String(buffer: response.body)
                    }
                    served.append((name, body))
                }
                let context = try await client.execute(uri: "/contexts/kalan-v1.jsonld", method: .get) { response in
                    #expect(response.headers[.contentType] == "application/ld+json")
                    return String(buffer: response.body)
                }
                try Data(context.utf8).write(to: folder.appendingPathComponent("kalan-v1.jsonld"))
                return served
            }
            for (name, body) in served { try write(name, body) }
            let output = try Self.python(
                [
                    Self.repoRoot.appendingPathComponent("scripts/jsonld_expand.py").path, Self.conformance.appendingPathComponent("jsonld-contexts").path,
                    KalanContext.url(base: Self.publicURL), folder.appendingPathComponent("kalan-v1.jsonld").path,
                ] + files)
            #expect(output.hasSuffix("\(files.count) of \(files.count) documents expand without dropping a term"), "\(output)")
        }
    }

    // MARK: - The record is what was signed; reissue

    @Test func pageShowsTheSignedNameAfterARenameUntilReissued() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let serial = issued.certificate.serial
            try await pool.query("UPDATE trainee SET family_name = 'Konaté' WHERE staff_number = 'MCE-1'")
            try await app(s).test(.router) { client in
                try await client.execute(uri: "/verify/\(serial)", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Djénéba N&#39;Diaye"), "the signed name")
                    #expect(!html.contains("Konaté"))
                    #expect(html.contains("/verify/\(serial)/credential.json"))
                }
                // The holder downloads exactly the stored credential.
                try await client.execute(uri: "/verify/\(serial)/credential.json", method: .get) { response in
                    let served = try JSONValue(parsing: Data(String(buffer: response.body).utf8))
                    let stored = try JSONValue(parsing: issued.certificate.credential)
                    #expect(served == stored)
                }
                // Typed from paper in lower case, with O for 0: the same certificate.
                let typed = serial.lowercased().replacingOccurrences(of: "0", with: "o")
                try await client.execute(uri: "/verify/\(typed)", method: .get) { #expect($0.status == .ok) }

                // The app owns the pool while it runs: the reissue goes through it too.
                let reissued = try await s.issuing.reissue(serial: serial, actor: s.admin)
                #expect(reissued.certificate.serial == serial, "a reissue keeps the serial")
                #expect(reissued.certificate.statusIndex != issued.certificate.statusIndex)
                try await client.execute(uri: "/verify/\(serial)", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Djénéba Konaté"))
                    #expect(html.contains("Certificat authentique et valide"))
                }
                // The old copy, pasted, reads as superseded; the status list has its bit set.
                #expect(try await pasted(issued.certificate.credential, client).contains("replaced on"))
                let list = try await client.execute(uri: "/status/1", method: .get) { try json($0) }
                let checker = CredentialChecker(profile: try await profile(s), statusList: list)
                #expect(checker.check(try JSONValue(parsing: issued.certificate.credential)).failure == .revoked)
                #expect(checker.check(try JSONValue(parsing: reissued.certificate.credential)).failure == nil)
            }
        }
    }

    // MARK: - Issuer profile, achievements, PDF

    @Test func profileBindsTheKeyAndAchievementsResolve() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool)
            try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            try await pool.query("INSERT INTO signing_key (id, public_key_multibase) VALUES ('did:key:zOld#zOld', 'zOld')")
            try await app(s).test(.router) { client in
                let profile = try await client.execute(uri: "/issuer", method: .get) { try json($0) }
                #expect(profile["id"] == .string(s.issuer.profileURL))
                let methods = try #require(profile["verificationMethod"]?.arrayValue)
                let current = try #require(methods.first { $0["id"] == .string(s.issuer.keyID) })
                #expect(current["controller"] == .string(s.issuer.issuerID))
                #expect(profile["assertionMethod"]?.arrayValue?.contains(.string(s.issuer.keyID)) == true)
                #expect(profile["assertionMethod"]?.arrayValue?.contains("did:key:zOld#zOld") == true, "old keys stay listed")
                #expect(methods.first { $0["id"] == "did:key:zOld#zOld" }?["controller"] == "did:key:zOld")
                let achievement = try await client.execute(uri: "/issuer/achievements/CYB-5G", method: .get) { response in
                    #expect(response.status == .ok)
                    return try json(response)
                }
                #expect(achievement["id"] == .string("\(Self.publicURL)/issuer/achievements/CYB-5G"))
                #expect(achievement["name"] == "Cybersécurité des réseaux 5G")
                try await client.execute(uri: "/issuer/achievements/NOPE", method: .get) { #expect($0.status == .notFound) }
            }
        }
    }

    @Test func pdfCarriesTheSignedCredentialAndARevokedMark() async throws {
        try await TestDatabase.withPool { pool in
            let s = try await setup(pool)
            let issued = try await s.issuing.issue(staffNumber: "MCE-1", sessionCode: "S-CYB", actor: s.admin)
            let serial = issued.certificate.serial
            let folder = try Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let pdf = folder.appendingPathComponent("c.pdf")
            try await app(s).test(.router) { client in
                try await client.execute(uri: "/verify/\(serial)/certificate.pdf", method: .get) { response in
                    #expect(response.headers[.contentType] == "application/pdf")
                    try Data(response.body.readableBytesView).write(to: pdf)
                }
                #expect(try Self.run("/usr/bin/qpdf", ["--check", pdf.path]).contains("No syntax or stream encoding errors"))
                #expect(try Self.run("/usr/bin/qpdf", ["--list-attachments", pdf.path]).contains("\(serial).json"))
                let extracted = folder.appendingPathComponent("c.json")
                _ = try Self.run("/usr/bin/qpdf", ["--show-attachment=\(serial).json", pdf.path], output: extracted)
                let attached = try JSONValue(parsing: Data(contentsOf: extracted))
                let stored = try JSONValue(parsing: issued.certificate.credential)
                #expect(attached == stored)
                let text = try Self.run("/usr/bin/pdftotext", ["-layout", pdf.path, "-"])
                #expect(text.contains("(16 h)"), "a long module title is wrapped, its hours kept: \(text)")
                #expect(!text.contains("…"))
                #expect(text.contains("Téhéran") && !text.contains("Tehran"), "French place names")
                #expect(!text.contains("REVOKED"))

                try await s.issuing.revoke(serial: serial, reason: "test", actor: s.admin)
                try await client.execute(uri: "/verify/\(serial)/certificate.pdf?lang=en", method: .get) { response in
                    try Data(response.body.readableBytesView).write(to: pdf)
                }
                let revoked = try Self.run("/usr/bin/pdftotext", [pdf.path, "-"])
                #expect(revoked.contains("RÉVOQUÉ / REVOKED"))
                #expect(revoked.contains("Revoked on"))
            }
        }
    }

    static func run(_ tool: String, _ arguments: [String], output: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if let output { try data.write(to: output) }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - The W3C vector

    @Test func w3cVectorPassesWithProofOnlyAndNeedsAProfileOtherwise() throws {
        let signed = try JSONValue(parsing: Data(contentsOf: Self.conformance.appendingPathComponent("eddsa-jcs-2022/signedJCS.json")))
        #expect(CredentialChecker().check(signed, proofOnly: true).failure == nil)
        #expect(CredentialChecker().check(signed).failure == .bindingUnknown)
    }
}
