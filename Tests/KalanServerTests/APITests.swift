import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanCore
import KalanPasswords
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

/// A small register with one account per role and a token each.
struct APIFixture {
    /// The fixture's sessions are in 2030: "today" is fixed before their deadlines, whatever the date.
    static let clock = WallClock.fixed(Day("2027-06-01")!)

    let pool: PostgresPool
    var tokens: [String: String] = [:]

    static func make(_ pool: PostgresPool) async throws -> APIFixture {
        let repository = PostgresRepository(pool: pool)
        let admin = Actor.commandLine(user: "test")
        let register = Register(repository: repository)
        try await register.addDepartment(code: "DNT", nameFR: "Télécoms", nameEN: "Telecoms", kind: "direction", parentCode: nil, actor: admin)
        try await register.addPartner(code: "ITRC", name: "ITRC", kind: "government", country: "IR", actor: admin)
        try await register.addCourse(.init(code: "TEL", titleFR: "Télécoms", titleEN: "Telecoms", domain: "telecoms", hours: 40), actor: admin)
        try await register.addSession(
            .init(
                code: "S-1", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2030-03-04", endsOn: "2030-03-08", mode: "online", capacity: 50,
                enrolmentDeadline: "2030-02-01", status: "open"),
            actor: admin)
        try await repository.transaction { work in
            for i in 1...40 {
                try await work.insert(Trainee(staffNumber: "T-\(i)", givenName: "Awa", familyName: "Keïta", sex: .female))
            }
        }
        let accounts = Accounts(repository: repository, hasher: BcryptPasswordHasher(cost: 4))
        var fixture = APIFixture(pool: pool)
        for (name, role, partner) in [("admin", Role.admin, nil), ("hr", .hr, nil), ("trainer", .trainer, "ITRC"), ("stranger", .trainer, "ITRC"), ("viewer", .viewer, nil)] {
            let user = try await accounts.addUser(username: name, displayName: name, email: nil, role: role, partnerCode: partner, password: "long-enough-1", actor: admin)
            fixture.tokens[name] = try await accounts.createToken(username: name, name: "test", expiresInDays: nil, actor: admin).secret
            if name == "trainer" {
                try await repository.transaction { work in try await work.assignTrainer(userID: user.id, toSession: try await work.session(code: "S-1")!.id) }
            }
        }
        // Enrolled trainees for the operations that need one: T-1… are taken in order.
        let workflow = EnrolmentWorkflow(repository: repository, clock: clock)
        for i in 1...20 { try await workflow.enrol(staffNumber: "T-\(i)", sessionCode: "S-1", actor: admin) }
        return fixture
    }

    func app(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) -> some ApplicationProtocol {
        var configuration = ServerConfiguration(publicURL: "http://test", bcryptCost: 4, clock: Self.clock)
        adjust(&configuration)
        return buildApplication(
            configuration: configuration, pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
    }

    func headers(_ role: String?, json: Bool = false, extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        if let role, let token = tokens[role] { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }
}

@Suite("API: every operation × every role, idempotency, If-Match, malformed input")
struct APITests {
    static let roles: [String?] = ["admin", "hr", "trainer", "stranger", "viewer", nil]

    /// Expected status per role, in the order of `roles`: admin, hr, trainer, trainer of another
    /// session, viewer, anonymous.
    struct Case: Sendable {
        let name: String
        let method: HTTPRequest.Method
        let path: @Sendable (Int) -> String
        let body: (@Sendable (Int) -> String)?
        let expected: [Int]
    }

    static let cases: [Case] = [
        Case(name: "getMe", method: .get, path: { _ in "/api/v1/me" }, body: nil, expected: [200, 200, 200, 200, 200, 401]),
        Case(name: "listTrainees", method: .get, path: { _ in "/api/v1/trainees?limit=5" }, body: nil, expected: [200, 200, 403, 403, 200, 401]),
        Case(name: "getTrainee", method: .get, path: { _ in "/api/v1/trainees/T-30" }, body: nil, expected: [200, 200, 403, 403, 200, 401]),
        Case(
            name: "createTrainee", method: .post, path: { _ in "/api/v1/trainees" },
            body: { i in #"{"staffNumber":"NEW-\#(i)","givenName":"Oumar","familyName":"Maïga","sex":"M"}"# }, expected: [201, 201, 403, 403, 403, 401]),
        Case(name: "listSessions", method: .get, path: { _ in "/api/v1/sessions" }, body: nil, expected: [200, 200, 200, 200, 200, 401]),
        Case(name: "getRoster", method: .get, path: { _ in "/api/v1/sessions/S-1/roster" }, body: nil, expected: [200, 200, 200, 404, 200, 401]),
        Case(
            name: "enrol", method: .post, path: { _ in "/api/v1/sessions/S-1/enrolments" }, body: { i in #"{"staffNumber":"T-\#(21 + i)"}"# },
            expected: [201, 201, 403, 403, 403, 401]),
        Case(
            name: "recordAttendance", method: .put, path: { _ in "/api/v1/sessions/S-1/attendance" },
            body: { i in #"{"day":"2030-03-04","marks":[{"staffNumber":"T-\#(1 + i)","status":"present"}]}"# }, expected: [204, 204, 204, 404, 403, 401]),
        Case(
            name: "getAttendanceSheet", method: .get, path: { _ in "/api/v1/sessions/S-1/attendance?day=2030-03-04" }, body: nil,
            expected: [200, 200, 200, 404, 200, 401]),
        Case(name: "previewResults", method: .get, path: { _ in "/api/v1/sessions/S-1/results" }, body: nil, expected: [200, 200, 200, 404, 200, 401]),
        Case(
            name: "complete", method: .post, path: { i in "/api/v1/sessions/S-1/enrolments/T-\(7 + i)/completion" },
            body: { _ in #"{"outcome":"completed","reason":"oral exam"}"# }, expected: [200, 200, 200, 404, 403, 401]),
        Case(
            name: "withdraw", method: .post, path: { i in "/api/v1/sessions/S-1/enrolments/T-\(13 + i)/withdrawal" }, body: { _ in "{}" },
            expected: [200, 200, 403, 403, 403, 401]),
        Case(name: "issueCertificates", method: .post, path: { _ in "/api/v1/sessions/S-1/certificates" }, body: nil, expected: [200, 200, 403, 403, 403, 401]),
        Case(name: "getCertificateArchive", method: .get, path: { _ in "/api/v1/sessions/S-1/certificates/archive" }, body: nil, expected: [200, 200, 200, 404, 200, 401]),
        Case(name: "getCertificatePDF", method: .get, path: { _ in "/api/v1/certificates/NONE-1/pdf" }, body: nil, expected: [404, 404, 404, 404, 404, 401]),
        Case(name: "verifyCertificate", method: .get, path: { _ in "/api/v1/certificates/NONE-1/verification" }, body: nil, expected: [404, 404, 404, 404, 404, 404]),
        Case(
            name: "verifyCredential", method: .post, path: { _ in "/api/v1/credentials/verification" }, body: { _ in #"{"id":"urn:uuid:x"}"# },
            expected: [200, 200, 200, 200, 200, 200]),
        Case(
            name: "login", method: .post, path: { _ in "/api/v1/login" }, body: { i in #"{"username":"nobody-\#(i)","password":"wrong"}"# },
            expected: [401, 401, 401, 401, 401, 401]),
        Case(name: "logout", method: .post, path: { _ in "/api/v1/logout" }, body: nil, expected: [204, 204, 204, 204, 204, 204]),
        Case(
            name: "getCohortStatistics", method: .get, path: { _ in "/api/v1/statistics/cohorts?by=course&by=sex" }, body: nil,
            expected: [200, 200, 200, 200, 200, 401]),
        Case(name: "getProgrammeProgress", method: .get, path: { _ in "/api/v1/statistics/programmes" }, body: nil, expected: [200, 200, 403, 403, 200, 401]),
    ]

    @Test func roleMatrixAllowsAndDeniesEachOperationAsRule6Says() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                for c in Self.cases {
                    for (index, role) in Self.roles.enumerated() {
                        try await client.execute(
                            uri: c.path(index), method: c.method, headers: f.headers(role, json: c.body != nil),
                            body: c.body.map { ByteBuffer(string: $0(index)) }
                        ) { response in
                            #expect(response.status.code == c.expected[index], "\(c.name) as \(role ?? "anonymous"): \(String(buffer: response.body))")
                            if response.status.code >= 400 { #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true) }
                        }
                    }
                }
            }
        }
    }

    @Test func idempotencyKeyReplaysTheFirstResponseAndCreatesNothingTwice() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-oumar-1"]
            let body = #"{"staffNumber":"IDEM-1","givenName":"Oumar","familyName":"Maïga","sex":"M"}"#
            try await f.app().test(.router) { client in
                for _ in 0..<2 {
                    try await client.execute(uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true, extra: key), body: ByteBuffer(string: body)) {
                        #expect($0.status == .created)
                    }
                }
                let other = #"{"staffNumber":"IDEM-2","givenName":"Awa","familyName":"Maïga","sex":"F"}"#
                try await client.execute(uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true, extra: key), body: ByteBuffer(string: other)) {
                    #expect($0.status == .conflict)
                }
                let count = try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number LIKE 'IDEM-%'").first!.decode("n", as: Int.self)
                #expect(count == 1)
            }
        }
    }

    @Test func certificatesIssuedOverTheAPIDownloadAsPDFAndAsASessionZIP() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await ResultsRecording(repository: PostgresRepository(pool: pool)).complete(
                sessionCode: "S-1", staffNumber: "T-20", actor: .commandLine(user: "t"), override: (.completed, "test"))
            try await f.app().test(.router) { client in
                let serial = try await client.execute(uri: "/api/v1/sessions/S-1/certificates", method: .post, headers: f.headers("hr")) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body).split(separator: "\"").first { $0.hasPrefix("MCENMA-") }.map(String.init)
                }
                let found = try #require(serial)
                try await client.execute(uri: "/api/v1/certificates/\(found)/pdf?lang=en", method: .get, headers: f.headers("viewer")) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/pdf")
                    #expect(String(buffer: response.body).hasPrefix("%PDF-"))
                }
                try await client.execute(uri: "/api/v1/sessions/S-1/certificates/archive", method: .get, headers: f.headers("trainer")) { response in
                    #expect(response.status == .ok)
                    #expect(Array(response.body.readableBytesView.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
                }
                try await client.execute(uri: "/api/v1/certificates/\(found)/pdf", method: .get, headers: f.headers("stranger")) { #expect($0.status == .notFound) }
            }
        }
    }

    @Test func staleIfMatchIsRefusedWith412() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let etag = try await client.execute(uri: "/api/v1/trainees/T-30", method: .get, headers: f.headers("hr")) { $0.headers[.eTag] }
                #expect(etag == "\"v1\"", "ETag goes out as an HTTP entity tag, not percent-encoded")
                let patch = ByteBuffer(string: #"{"position":"Chef de division"}"#)
                try await client.execute(
                    uri: "/api/v1/trainees/T-30", method: .patch, headers: f.headers("hr", json: true, extra: [.ifMatch: etag ?? ""]), body: patch
                ) { #expect($0.status == .ok) }
                try await client.execute(
                    uri: "/api/v1/trainees/T-30", method: .patch, headers: f.headers("hr", json: true, extra: [.ifMatch: etag ?? ""]), body: patch
                ) { #expect($0.status == .preconditionFailed) }
            }
        }
    }

    @Test func malformedAndHostileInputGetsAProblemNeverA500() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let bodies = [
                "{not json", #"{"staffNumber": 5}"#, #"{"staffNumber":"X-3","givenName":"A","familyName":"B","sex":"M","email":null}"#,
                #"{"staffNumber":"'; DROP TABLE trainee; --","givenName":"A","familyName":"B","sex":"M"}"#,
                #"{"staffNumber":"X-1","givenName":"<script>","familyName":"B","sex":"M"}"#, #"{"staffNumber":"X-2","givenName":"\u0000","familyName":"B","sex":"M"}"#,
            ]
            try await f.app().test(.router) { client in
                for body in bodies {
                    try await client.execute(uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: body)) { response in
                        #expect((400...499).contains(Int(response.status.code)), "\(body) → \(response.status)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    }
                }
                try await client.execute(uri: "/api/v1/trainees?cursor=%%%", method: .get, headers: f.headers("hr")) { #expect($0.status.code < 500) }
                let stored = try await pool.query("SELECT count(*) AS n FROM trainee").first!.decode("n", as: Int.self)
                #expect(stored == 40)
            }
        }
    }

    @Test func servedSpecIsOpenapiYamlAndItsJSONForm() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/KalanServer/openapi.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try await TestDatabase.withPool { pool in
            let app = buildApplication(configuration: .init(), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "t"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/openapi.yaml", method: .get) { #expect(String(buffer: $0.body) == text) }
                try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.headers[.contentType] == "application/json")
                    let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                    #expect(json?["openapi"] as? String == "3.1.0")
                    let paths = json?["paths"] as? [String: Any]
                    #expect(paths?["/trainees"] != nil)
                }
            }
        }
    }
}

@Suite("API lists: sorting and cursor pagination")
struct APIListTests {
    static func page(_ client: some TestClientProtocol, _ f: APIFixture, _ query: String) async throws -> (names: [String], next: String?) {
        try await client.execute(uri: "/api/v1/trainees?\(query)", method: .get, headers: f.headers("hr")) { response in
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as! [String: Any]
            let items = json["items"] as! [[String: Any]]
            return (items.map { "\($0["familyName"]!)/\($0["staffNumber"]!)" }, json["nextCursor"] as? String)
        }
    }

    @Test func listTraineesSortsByNameBothWaysAndPagesWithoutGapsOrRepeats() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await pool.query("UPDATE trainee SET family_name = CASE WHEN staff_number < 'T-2' THEN 'Diarra' WHEN staff_number < 'T-3' THEN 'Coulibaly' ELSE 'Traoré' END")
            try await f.app().test(.router) { client in
                for sort in ["familyName", "-familyName", "-staffNumber"] {
                    var seen: [String] = []
                    var cursor: String?
                    repeat {
                        let (names, next) = try await Self.page(client, f, "sort=\(sort)&limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
                        seen += names
                        cursor = next
                    } while cursor != nil
                    let all = try await Self.page(client, f, "sort=\(sort)&limit=500").names
                    #expect(seen == all, "\(sort): pages joined equal the whole list")
                    #expect(Set(seen).count == 40)
                    let key: (String) -> String = sort.hasSuffix("familyName") ? { $0 } : { String($0.split(separator: "/")[1]) }
                    let ascending = seen.map(key) == seen.map(key).sorted()
                    #expect(sort.hasPrefix("-") ? seen.map(key) == seen.map(key).sorted(by: >) : ascending, "\(sort) order")
                }
                let (_, next) = try await Self.page(client, f, "sort=familyName&limit=5")
                try await client.execute(uri: "/api/v1/trainees?sort=-familyName&cursor=\(next!)", method: .get, headers: f.headers("hr")) { response in
                    #expect(response.status.code == 422)
                    #expect(String(buffer: response.body).contains("cursor"))
                }
            }
        }
    }
}

extension APIListTests {
    @Test func listSessionsPagesByStartDateBothWaysFiltersAndShowsTrainersOnlyTheirs() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let register = Register(repository: PostgresRepository(pool: pool))
            for i in 1...11 {
                try await register.addSession(
                    .init(
                        code: "S-\(100 + i)", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2031-0\(1 + i % 9)-0\(1 + i % 7)", endsOn: "2031-0\(1 + i % 9)-2\(i % 7)",
                        mode: "online", capacity: 10, enrolmentDeadline: nil, status: i % 2 == 0 ? "open" : "planned"),
                    actor: .commandLine(user: "t"))
            }
            try await f.app().test(.router) { client in
                func page(_ role: String, _ query: String) async throws -> (codes: [String], starts: [String], next: String?) {
                    try await client.execute(uri: "/api/v1/sessions?\(query)", method: .get, headers: f.headers(role)) { response in
                        #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                        let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as! [String: Any]
                        let items = json["items"] as! [[String: Any]]
                        return (items.map { $0["code"] as! String }, items.map { $0["startsOn"] as! String }, json["nextCursor"] as? String)
                    }
                }
                for sort in ["startsOn", "-startsOn"] {
                    var codes: [String] = [], starts: [String] = [], cursor: String?
                    repeat {
                        let p = try await page("viewer", "sort=\(sort)&limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""))
                        codes += p.codes
                        starts += p.starts
                        cursor = p.next
                    } while cursor != nil
                    #expect(codes.count == 12 && Set(codes).count == 12, "\(sort): every session once")
                    #expect(sort == "startsOn" ? starts == starts.sorted() : starts == starts.sorted(by: >), "\(sort) order")
                }
                #expect(try await page("viewer", "status=open&limit=500").codes.count == 6)
                #expect(try await page("viewer", "from=2031-01-01&to=2031-03-31").codes.allSatisfy { $0 != "S-1" })
                #expect(try await page("trainer", "limit=500").codes == ["S-1"], "a trainer sees only the session they train")
                #expect(try await page("stranger", "limit=500").codes.isEmpty)
                try await client.execute(uri: "/api/v1/sessions?from=31-12-2031", method: .get, headers: f.headers("viewer")) { response in
                    #expect(response.status.code == 422 || response.status.code == 400)
                    #expect(String(buffer: response.body).contains("from"))
                }
            }
        }
    }
}

@Suite("API statistics")
struct APIStatisticsTests {
    static func total(_ client: some TestClientProtocol, _ f: APIFixture, _ role: String, _ query: String = "") async throws -> (status: Int, body: String) {
        try await client.execute(uri: "/api/v1/statistics/cohorts\(query)", method: .get, headers: f.headers(role)) {
            (Int($0.status.code), String(buffer: $0.body))
        }
    }

    @Test func cohortStatisticsCountTheSessionForHRAndItsTrainerButNotAnotherTrainer() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Self.total(client, f, "hr", "?by=session")
                #expect(hr.status == 200)
                #expect(hr.body.contains(#""group":["#) && hr.body.contains(#""S-1""#) && hr.body.contains(#""enrolments":20"#))
                let trainer = try await Self.total(client, f, "trainer")
                #expect(trainer.body.contains(#""enrolments":20"#))
                let stranger = try await Self.total(client, f, "stranger")
                #expect(stranger.status == 200 && stranger.body.contains(#""enrolments":0"#))
                let twice = try await Self.total(client, f, "hr", "?by=sex&by=sex")
                #expect(twice.status == 422 && twice.body.contains("by"))
                let unknown = try await Self.total(client, f, "hr", "?by=colour")
                #expect((400...422).contains(unknown.status))
                let badDate = try await Self.total(client, f, "hr", "?from=2030-13-45")
                #expect(badDate.status == 422 && badDate.body.contains("from"))
            }
        }
    }
}
