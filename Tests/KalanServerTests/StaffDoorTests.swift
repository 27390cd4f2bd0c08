import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// A staff member of the register with an e-mail and a phone, enrolled in S-1, and another one.
enum StaffDoor {
    static func addPeople(_ pool: PostgresPool) async throws {
        let repository = PostgresRepository(pool: pool)
        try await repository.transaction { work in
            try await work.insert(
                Trainee(staffNumber: "AG-2019-7", givenName: "Aïssata", familyName: "Maïga", sex: .female, email: "aissata.maiga@mcenma.ml", phone: "+223 70 11 22 33"))
            try await work.insert(Trainee(staffNumber: "AG-2020-8", givenName: "Moussa", familyName: "N'Diaye", sex: .male, email: "moussa@mcenma.ml"))
        }
        let workflow = EnrolmentWorkflow(repository: repository, clock: APIFixture.clock)
        try await workflow.enrol(staffNumber: "AG-2019-7", sessionCode: "S-1", actor: .commandLine(user: "test"))
    }

    /// The code last sent to this address (read from the outbox, as the test SMTP server would).
    static func lastCode(_ pool: PostgresPool, address: String) async throws -> String? {
        try await pool.query("SELECT facts->>'code' AS code FROM notice WHERE kind = 'sign_in_code' AND address = \(address) ORDER BY id DESC LIMIT 1")
            .first?.decode("code")
    }

    /// Signs in by code through the pages; the staff cookie (`kalan_staff=…`).
    static func signIn(_ client: some TestClientProtocol, _ pool: PostgresPool, identifier: String, address: String) async throws -> String {
        let asked = try await Pages.post(client, "/me/sign-in?lang=en", nil, "identifier=\(identifier)")
        #expect(asked.status == 200)
        let code = try #require(try await lastCode(pool, address: address))
        let answer = try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=\(identifier)&code=\(code)")
        #expect(answer.status == 303 && answer.location?.hasPrefix("/me?") == true)
        let cookie = try #require(answer.setCookie)
        return String(cookie.split(separator: ";")[0])
    }
}

@Suite("Staff door: sign-in by one-time code, own records only, never a role")
struct StaffDoorTests {
    @Test func aCodeSignsInOnceAndTheAnswerIsTheSameForANumberThatDoesNotExist() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            try await f.app().test(.router) { client in
                let known = try await Pages.post(client, "/me/sign-in?lang=en", nil, "identifier=ag-2019-7")
                let unknown = try await Pages.post(client, "/me/sign-in?lang=en", nil, "identifier=NOBODY-1")
                #expect(known.status == 200 && unknown.status == 200)
                func scrub(_ html: String) -> String { html.replacingOccurrences(of: "ag-2019-7", with: "X").replacingOccurrences(of: "NOBODY-1", with: "X") }
                #expect(scrub(known.body) == scrub(unknown.body), "the same page whether the number exists or not")
                // One e-mail and one SMS; the code's hash only in the code table.
                let notices = try await pool.query("SELECT channel FROM notice WHERE kind = 'sign_in_code' ORDER BY channel").map { try $0.decode("channel", as: String.self) }
                #expect(notices == ["email", "sms"])
                let code = try #require(try await StaffDoor.lastCode(pool, address: "aissata.maiga@mcenma.ml"))
                #expect(code.count == 6 && code.allSatisfy(\.isNumber))
                let clear = try await pool.query("SELECT count(*) AS n FROM staff_sign_in_code WHERE encode(code_hash, 'escape') LIKE '%' || \(code) || '%'")
                    .firstRow().decode("n", as: Int.self)
                #expect(clear == 0)

                let blank = try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=ag-2019-7&code=")
                #expect(blank.status == 422 && blank.body.contains("Code received"), "the field is named")
                let letters = try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=ag-2019-7&code=abcdef")
                #expect(letters.status == 422 && letters.body.contains("6 digits"))
                let wrong = String(format: "%06d", (Int(code)! + 1) % 1_000_000)
                #expect(try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=ag-2019-7&code=\(wrong)").status == 401)
                let good = try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=ag-2019-7&code=\(code)")
                #expect(good.status == 303 && good.setCookie?.hasPrefix("kalan_staff=") == true)
                #expect(try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=ag-2019-7&code=\(code)").status == 401, "used once")
                // Nobody's code works for a number that does not exist.
                #expect(try await Pages.post(client, "/me/sign-in/code?lang=en", nil, "identifier=NOBODY-1&code=\(code)").status == 401)
                // HR's lists never show a code.
                #expect(try await NoticeDeskFixture.listed(pool) == 0)
            }
        }
    }

    @Test func codesAreLimitedPerPersonAndAFourthRequestWaits() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            try await f.app().test(.router) { client in
                for _ in 0..<3 { #expect(try await Pages.post(client, "/me/sign-in?lang=en", nil, "identifier=AG-2020-8").status == 200) }
                let refused = try await Pages.post(client, "/me/sign-in?lang=en", nil, "identifier=ag-2020-8")
                #expect(refused.status == 429 && refused.body.contains("try again in"))
                let codes = try await pool.query("SELECT count(*) AS n FROM staff_sign_in_code").firstRow().decode("n", as: Int.self)
                #expect(codes == 3)
                // Only the last code is live.
                let live = try await pool.query("SELECT count(*) AS n FROM staff_sign_in_code WHERE used_at IS NULL").firstRow().decode("n", as: Int.self)
                #expect(live == 1)
            }
        }
    }

    @Test func myTrainingsShowOnlyTheirOwnAndEveryOtherPathIsClosedToAStaffSession() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            try await f.app().test(.router) { client in
                let aissata = try await StaffDoor.signIn(client, pool, identifier: "aissata.maiga%40mcenma.ml", address: "aissata.maiga@mcenma.ml")
                let moussa = try await StaffDoor.signIn(client, pool, identifier: "AG-2020-8", address: "moussa@mcenma.ml")
                let mine = try await Pages.get(client, "/me?lang=en", aissata)
                #expect(mine.status == 200 && mine.body.contains("S-1") && mine.body.contains("Aïssata Maïga") && mine.body.contains("Enrolled"))
                let convocation = try await client.execute(uri: "/me/trainings/S-1/convocation.pdf", method: .get, headers: [.cookie: aissata]) { $0 }
                #expect(convocation.status == .ok && String(buffer: convocation.body).hasPrefix("%PDF-"))
                let ics = try await Pages.get(client, "/me/trainings/S-1/invitation.ics", aissata)
                #expect(ics.status == 200 && ics.body.contains("BEGIN:VEVENT") && ics.body.contains("DTSTART;VALUE=DATE:20300304"))
                // Moussa is on no session: nothing of Aïssata's through any of his paths.
                let his = try await Pages.get(client, "/me?lang=en", moussa)
                #expect(his.status == 200 && !his.body.contains("S-1") && !his.body.contains("Aïssata"))
                #expect(try await Pages.get(client, "/me/trainings/S-1/convocation.pdf?lang=en", moussa).status == 404)
                #expect(try await Pages.get(client, "/me/trainings/S-1/invitation.ics?lang=en", moussa).status == 404)
                #expect(try await Pages.get(client, "/me?lang=en", nil).status == 303, "nobody signed in: the sign-in page")

                // Every page of accounts: a staff session is nobody there (the login page, as for anonymous).
                let pages = [
                    "/", "/sessions", "/sessions/S-1", "/sessions/S-1/attendance", "/sessions/S-1/scores", "/sessions/S-1/results", "/sessions/S-1/notices",
                    "/sessions/S-1/convocations.pdf", "/sessions/S-1/certificates", "/sessions/S-1/certificates.zip", "/sessions/S-1/costs",
                    "/sessions/S-1/sign-in-sheet.pdf", "/sessions/S-1/attendance/scans", "/sessions/S-1/edit", "/sessions/new", "/trainees",
                    "/trainees/AG-2019-7", "/trainees/AG-2019-7/notices", "/trainees/AG-2019-7/edit", "/trainees/new", "/trainees/departments",
                    "/statistics", "/statistics/cohorts.csv", "/statistics/costs", "/statistics/costs.csv", "/certificates", "/notices", "/offers",
                    "/abroad", "/departments", "/partners", "/programmes", "/courses", "/users", "/audit", "/account/password",
                ]
                for path in pages {
                    let anonymous = try await Pages.get(client, path, nil)
                    let staff = try await Pages.get(client, path, aissata)
                    #expect(staff.status == anonymous.status, "\(path) as staff")
                    #expect(staff.status == 303 || staff.status == 404, "\(path) as staff: \(staff.status)")
                }
                // A staff secret passed as an account's session cookie is no session either.
                let secret = aissata.replacingOccurrences(of: "kalan_staff=", with: "")
                #expect(try await Pages.get(client, "/sessions", "kalan_session=\(secret)").status == 303)
                // Every API operation: what anonymous gets (401 but for the public ones), with the cookie alone or as a session cookie.
                for c in APITests.cases {
                    for cookie in [aissata, "kalan_session=\(secret)"] {
                        var headers: HTTPFields = [.cookie: cookie]
                        if c.body != nil { headers[.contentType] = "application/json" }
                        try await client.execute(uri: c.path(5), method: c.method, headers: headers, body: c.body.map { ByteBuffer(string: $0(5)) }) { response in
                            #expect(Int(response.status.code) == c.expected[5], "\(c.name) with a staff cookie")
                        }
                    }
                }
                // The audit log names the person, never a role.
                let actors = try await pool.query("SELECT DISTINCT actor FROM audit_event WHERE action LIKE 'staff.%' ORDER BY actor").map { try $0.decode("actor", as: String.self) }
                #expect(actors == ["staff:AG-2019-7", "staff:AG-2020-8"])
            }
        }
    }

    @Test func theAPISignsInByCodeAndAnswersOnlyTheStaffMembersOwnTrainings() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            try await f.app().test(.router) { client in
                let json: HTTPFields = [.contentType: "application/json"]
                for identifier in ["AG-2019-7", "NOBODY-9"] {
                    try await client.execute(
                        uri: "/api/v1/staff/code", method: .post, headers: json, body: ByteBuffer(string: #"{"identifier":"\#(identifier)"}"#)
                    ) { #expect($0.status == .accepted, "\(identifier): the same answer") }
                }
                let code = try #require(try await StaffDoor.lastCode(pool, address: "aissata.maiga@mcenma.ml"))
                try await client.execute(
                    uri: "/api/v1/staff/session", method: .post, headers: json, body: ByteBuffer(string: #"{"identifier":"AG-2019-7","code":"000000x"}"#)
                ) { #expect($0.status == .unprocessableContent) }
                let cookie = try await client.execute(
                    uri: "/api/v1/staff/session", method: .post, headers: json, body: ByteBuffer(string: #"{"identifier":"ag-2019-7","code":"\#(code)"}"#)
                ) { response in
                    #expect(response.status == .ok && String(buffer: response.body).contains("Aïssata Maïga"))
                    return response.headers[.setCookie].map { String($0.split(separator: ";")[0]) }
                }
                let staff = try #require(cookie)
                try await client.execute(uri: "/api/v1/staff/trainings", method: .get, headers: [.cookie: staff]) { response in
                    let body = String(buffer: response.body)
                    #expect(response.status == .ok && body.contains(#""session":"S-1""#) && body.contains(#""status":"enrolled""#), "\(body)")
                }
                // An account's token or session is no staff session; nobody is 401.
                try await client.execute(uri: "/api/v1/staff/trainings", method: .get, headers: f.headers("hr")) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/api/v1/staff/trainings", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(
                    uri: "/api/v1/staff/trainings/S-1/evaluation", method: .post, headers: [.cookie: staff, .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"content":3,"trainer":3,"organisation":3,"usefulness":3}"#)
                ) { #expect($0.status == .unprocessableContent, "before the last day") }
            }
        }
    }

    @Test func signingOutEndsTheSessionAndAFormFromElsewhereIsRefused() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            try await f.app().test(.router) { client in
                let cookie = try await StaffDoor.signIn(client, pool, identifier: "AG-2019-7", address: "aissata.maiga@mcenma.ml")
                let page = try await Pages.get(client, "/me?lang=en", cookie)
                let token = try Pages.csrf(page.body)
                #expect(try await Pages.post(client, "/me/sign-out?lang=en", cookie, "csrf=forged").status == 403)
                #expect(try await Pages.get(client, "/me?lang=en", cookie).status == 200)
                let out = try await Pages.post(client, "/me/sign-out?lang=en", cookie, "csrf=\(token)")
                #expect(out.status == 303 && out.setCookie?.contains("Max-Age=0") == true)
                #expect(try await Pages.get(client, "/me?lang=en", cookie).status == 303)
            }
        }
    }
}

enum NoticeDeskFixture {
    /// How many sign-in codes HR's notice lists would show.
    static func listed(_ pool: PostgresPool) async throws -> Int {
        try await PostgresNoticeOutbox(pool: pool).notices(NoticeFilter()).filter { $0.kind == .signInCode }.count
    }
}
