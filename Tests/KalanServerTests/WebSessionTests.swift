import Foundation
import HTTPTypes
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

@Suite("Web sessions: login cookie, rate-limited failures, same-origin changes, logout")
struct WebSessionTests {
    static func login(_ client: some TestClientProtocol, _ username: String, _ password: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
    }

    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie]?.split(separator: ";").first.map(String.init)
    }

    @Test func loginSetsAnHttpOnlyStrictCookieThatAuthenticatesTheAPI() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let response = try await Self.login(client, "HR", "long-enough-1")
                #expect(response.status == .ok)
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.hasPrefix("kalan_session=kalan_") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
                #expect(!setCookie.contains("Secure"), "served over plain http in this test")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(String(buffer: response.body).contains(#""role" : "hr""#))
                let cookie = try #require(Self.cookie(response))
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { me in
                    #expect(me.status == .ok)
                    #expect(String(buffer: me.body).contains(#""username" : "hr""#))
                }
                // A change with the cookie from Kalan's own origin goes through.
                try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: [.cookie: cookie, .contentType: "application/json", .origin: "http://localhost"],
                    body: ByteBuffer(string: #"{"staffNumber":"WEB-1","givenName":"Fanta","familyName":"Coulibaly","sex":"F"}"#)
                ) { #expect($0.status == .created) }
            }
        }
    }

    @Test func sessionCookieIsMarkedSecureWhenKalanIsPublishedOverHTTPS() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            _ = try await APIFixture.make(pool)
            let app = buildApplication(
                configuration: .init(publicURL: "https://kalan.example.ml", bcryptCost: 4), pool: pool,
                issuer: OpenBadgeIssuer(key: .generate(), publicURL: "https://kalan.example.ml"), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let response = try await Self.login(client, "viewer", "long-enough-1")
                #expect(response.headers[.setCookie]?.contains("; Secure") == true)
            }
        }
    }

    @Test func failedLoginsAreLimitedPerAccountThen429WithRetryAfterEvenForTheRightPassword() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                for _ in 1...5 {
                    let refused = try await Self.login(client, "admin", "not-the-password")
                    #expect(refused.status == .unauthorized)
                    #expect(refused.headers[.setCookie] == nil)
                    #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                let limited = try await Self.login(client, "admin", "long-enough-1")
                #expect(limited.status == .tooManyRequests)
                #expect(limited.headers[.retryAfter] == "900")
                #expect(limited.headers[.setCookie] == nil)
                #expect(String(buffer: limited.body).contains("too-many-attempts"))
                // Another account from the same address is not locked by admin's failures.
                let other = try await Self.login(client, "viewer", "long-enough-1")
                #expect(other.status == .ok)
                let failures = try await pool.query("SELECT count(*) AS n FROM login_failure WHERE username = 'admin'").first!.decode("n", as: Int.self)
                #expect(failures == 5)
            }
        }
    }

    @Test func failedLoginsAreLimitedPerAddressAcrossAccounts() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                for i in 1...20 {
                    let refused = try await Self.login(client, "guess-\(i)", "wrong")
                    #expect(refused.status == .unauthorized)
                }
                let limited = try await Self.login(client, "viewer", "long-enough-1")
                #expect(limited.status == .tooManyRequests)
            }
        }
    }

    @Test func cookieAuthenticatedChangeFromAnotherOriginIsRefused() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let cookie = try #require(Self.cookie(try await Self.login(client, "hr", "long-enough-1")))
                try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: [.cookie: cookie, .contentType: "application/json", .origin: "https://evil.example"],
                    body: ByteBuffer(string: #"{"staffNumber":"CSRF-1","givenName":"Awa","familyName":"Diarra","sex":"F"}"#)
                ) { #expect($0.status == .forbidden) }
                let stored = try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number = 'CSRF-1'").first!.decode("n", as: Int.self)
                #expect(stored == 0)
            }
        }
    }

    @Test func logoutEndsTheSessionAndClearsTheCookie() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let cookie = try #require(Self.cookie(try await Self.login(client, "trainer", "long-enough-1")))
                try await client.execute(uri: "/api/v1/logout", method: .post, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .noContent)
                    #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
                }
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .unauthorized) }
                // The trainer's API token is untouched by logging out of the browser.
                try await client.execute(uri: "/api/v1/me", method: .get, headers: f.headers("trainer")) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func loginFormSignsInAndTheHomePageGreetsTheAccount() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            _ = try await APIFixture.make(pool)
            let app = buildApplication(
                configuration: .init(publicURL: "http://test", bcryptCost: 4), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"),
                logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/login?lang=fr")
                }
                try await client.execute(uri: "/login?lang=en", method: .get) { #expect(String(buffer: $0.body).contains("name=\"password\"")) }
                let signedIn = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=hr&password=long-enough-1"))
                #expect(signedIn.status == .seeOther)
                let cookie = try #require(Self.cookie(signedIn))
                let page = try await client.execute(uri: "/?lang=en", method: .get, headers: [.cookie: cookie]) { home in
                    #expect(home.status == .ok)
                    return String(buffer: home.body)
                }
                #expect(page.contains("Hello hr"))
                let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
                let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
                try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=forged")) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok, "a forged logout changes nothing") }
                try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(csrf)")) {
                    #expect($0.status == .seeOther)
                }
                try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .seeOther) }
            }
        }
    }

    @Test func disablingAnAccountEndsItsWebSessionsButTheCookieIsNoBearerToken() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let cookie = try #require(Self.cookie(try await Self.login(client, "viewer", "long-enough-1")))
                let secret = cookie.replacingOccurrences(of: "kalan_session=", with: "")
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(secret)"]) {
                    #expect($0.status == .unauthorized, "a session secret is not an API token")
                }
                try await Accounts(repository: PostgresRepository(pool: pool), hasher: BcryptPasswordHasher(cost: 4))
                    .setActive(username: "viewer", active: false, actor: .commandLine(user: "test"))
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .unauthorized) }
            }
        }
    }

    @Test func loginFormRefusesWrongOrMissingFieldsByNameAndSetsNoCookie() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                for (body, status, message) in [
                    ("username=hr&password=nope", 401, "Identifiant ou mot de passe incorrect"), ("username=&password=x", 400, "Identifiant : obligatoire"),
                    ("username=hr", 400, "Mot de passe : obligatoire"), ("username=%3Cscript%3E&password=x", 401, "&lt;script&gt;"),
                ] {
                    try await client.execute(
                        uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
                    ) { response in
                        #expect(Int(response.status.code) == status, "\(body)")
                        #expect(String(buffer: response.body).contains(message), "\(body)")
                        #expect(response.headers[.setCookie] == nil)
                    }
                }
            }
        }
    }
}

/// Keeps every log line, with its metadata, for the test to read.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLock { $0.append("\(event.level) \(event.message) \(all) \(event.source)") }
    }
}

@Suite("Logs keep secrets out")
struct LogSecrecyTests {
    @Test func traceLogsOfLoginAndTokenUseContainNoPasswordTokenOrCookie() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let handler = CapturingLogHandler()
            let logger = Logger(label: "capture") { _ in handler }
            let app = buildApplication(
                configuration: .init(publicURL: "http://test", bcryptCost: 4), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"),
                logger: logger)
            let cookie = try await app.test(.router) { client in
                let login = try await WebSessionTests.login(client, "hr", "long-enough-1")
                _ = try await WebSessionTests.login(client, "hr", "wrong-password-9")
                try await client.execute(uri: "/api/v1/trainees?limit=1", method: .get, headers: f.headers("hr")) { #expect($0.status == .ok) }
                return try #require(WebSessionTests.cookie(login)).replacingOccurrences(of: "kalan_session=", with: "")
            }
            let secrets = ["long-enough-1", "wrong-password-9", f.tokens["hr"]!, cookie]
            let logged = handler.lines.withLock { $0 }
            #expect(!logged.isEmpty, "the requests were logged")
            for secret in secrets {
                #expect(!logged.contains { $0.contains(secret) }, "a log line shows a secret")
            }
        }
    }
}

@Suite("Statistics pages")
struct StatisticsPageTests {
    @Test func signedInViewerSeesChartTableAndProgrammesAndDownloadsCSVAndXLSX() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                try await client.execute(uri: "/statistics", method: .get) { #expect($0.status == .seeOther) }
                let viewer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "viewer", "long-enough-1")))
                let html = try await client.execute(uri: "/statistics?lang=en&by=session&then=sex", method: .get, headers: [.cookie: viewer]) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
                #expect(html.contains("<svg") && html.contains("S-1 · F") && html.contains("Programmes: progress towards target"))
                #expect(html.contains("<td class=\"n\">20</td>"), "the total counts the 20 enrolments")
                try await client.execute(uri: "/statistics/cohorts.csv?lang=fr&by=session", method: .get, headers: [.cookie: viewer]) { response in
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                    let csv = String(buffer: response.body)
                    #expect(csv.hasPrefix("\u{FEFF}session;inscriptions;agents;"))
                    #expect(csv.contains("\r\nS-1;20;20;"))
                }
                try await client.execute(uri: "/statistics/cohorts.xlsx?by=sex", method: .get, headers: [.cookie: viewer]) { response in
                    #expect(response.status == .ok)
                    #expect(Array(response.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
                }
                try await client.execute(uri: "/statistics?by=colour", method: .get, headers: [.cookie: viewer]) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("by :") || String(buffer: response.body).contains("by:"))
                }
                try await client.execute(uri: "/statistics/cohorts.csv?from=2030-02-31", method: .get, headers: [.cookie: viewer]) { response in
                    #expect(response.status.code == 422)
                    #expect(String(buffer: response.body).contains("from"))
                }
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "stranger", "long-enough-1")))
                try await client.execute(uri: "/statistics?lang=en", method: .get, headers: [.cookie: trainer]) { response in
                    let page = String(buffer: response.body)
                    #expect(response.status == .ok && page.contains("No enrolment matches") && !page.contains("Programmes:"))
                }
            }
        }
    }
}

@Suite("Session pages: roster, attendance sheet, enrolment form")
struct RosterPageTests {
    static func page(_ client: some TestClientProtocol, _ uri: String, _ cookie: String) async throws -> (status: Int, body: String) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ cookie: String, _ body: String) async throws -> (status: Int, body: String, location: String?) {
        try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
        ) { (Int($0.status.code), String(buffer: $0.body), $0.headers[.location]) }
    }

    static func csrf(_ html: String) throws -> String { try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)).1.description }

    @Test func trainerRecordsAttendanceThroughTheSheetAndAnotherTrainerGets404() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "trainer", "long-enough-1")))
                let list = try await Self.page(client, "/sessions?lang=en", trainer)
                #expect(list.status == 200 && list.body.contains("/sessions/S-1"))
                let roster = try await Self.page(client, "/sessions/S-1?lang=en", trainer)
                #expect(roster.status == 200 && roster.body.contains("Attendance sheet") && !roster.body.contains("Enrol staff"))
                let token = try Self.csrf(roster.body)
                let done = try await Self.post(client, "/sessions/S-1/attendance?lang=en", trainer, "csrf=\(token)&day=2030-03-05&m.T-1=absent&m.T-2=excused&m.T-3=present")
                #expect(done.status == 303 && done.location?.contains("done=attendance") == true)
                let marks = try await pool.query("SELECT count(*) AS n FROM attendance WHERE day = '2030-03-05'").first!.decode("n", as: Int.self)
                #expect(marks == 3)
                let stranger = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "stranger", "long-enough-1")))
                #expect(try await Self.page(client, "/sessions/S-1", stranger).status == 404)
                #expect(!(try await Self.page(client, "/sessions", stranger).body.contains("/sessions/S-1")))
            }
        }
    }

    @Test func attendanceWithoutTheFormTokenOrWithABadLineStoresNothing() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "trainer", "long-enough-1")))
                let token = try Self.csrf(try await Self.page(client, "/sessions/S-1", trainer).body)
                #expect(try await Self.post(client, "/sessions/S-1/attendance", trainer, "csrf=forged&day=2030-03-05&m.T-1=absent").status == 403)
                let outside = try await Self.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2031-01-01&m.T-1=absent")
                #expect(outside.status == 422 && outside.body.contains("2031-01-01"))
                let unknown = try await Self.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2030-03-05&m.T-1=present&m.NOBODY=absent")
                #expect(unknown.status == 422 && unknown.body.contains("NOBODY"))
                let badStatus = try await Self.post(client, "/sessions/S-1/attendance?lang=en", trainer, "csrf=\(token)&day=2030-03-05&m.T-1=late")
                #expect(badStatus.status == 422 && badStatus.body.contains("m.T-1"))
                let marks = try await pool.query("SELECT count(*) AS n FROM attendance").first!.decode("n", as: Int.self)
                #expect(marks == 0)
            }
        }
    }

    @Test func trainerRecordsScoresAllOrNothingThenClosesResultsFromThem() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "trainer", "long-enough-1")))
                let token = try Self.csrf(try await Self.page(client, "/sessions/S-1", trainer).body)
                let bad = try await Self.post(client, "/sessions/S-1/scores?lang=en", trainer, "csrf=\(token)&pre.T-1=40&post.T-1=75&post.T-2=140")
                #expect(bad.status == 422 && bad.body.contains("post.T-2"))
                #expect(try await pool.query("SELECT count(*) AS n FROM assessment").first!.decode("n", as: Int.self) == 0, "nothing of a refused sheet")
                let good = try await Self.post(client, "/sessions/S-1/scores", trainer, "csrf=\(token)&pre.T-1=40&post.T-1=75&post.T-2=30,5&pre.T-3=")
                #expect(good.status == 303)
                #expect(try await pool.query("SELECT count(*) AS n FROM assessment").first!.decode("n", as: Int.self) == 3)
                // Five days present for T-1 and T-2: T-1 passes (75 ≥ 50), T-2 fails (30.5).
                for day in 4...8 {
                    _ = try await Self.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2030-03-0\(day)&m.T-1=present&m.T-2=present")
                }
                let closed = try await Self.post(client, "/sessions/S-1/completion?lang=en", trainer, "csrf=\(token)")
                #expect(closed.status == 200)
                #expect(closed.body.contains("2 outcome(s) computed, 0 refused") && closed.body.contains("T-1 : completed") && closed.body.contains("T-2 : failed"))
            }
        }
    }

    @Test func hrApprovesRejectsWithAReasonAndWithdrawsFromTheRoster() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let workflow = EnrolmentWorkflow(repository: PostgresRepository(pool: pool), today: APIFixture.clock.today)
            for number in ["T-33", "T-34"] { try await workflow.nominate(staffNumber: number, sessionCode: "S-1", actor: .commandLine(user: "t")) }
            try await f.app().test(.router) { client in
                let hr = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "hr", "long-enough-1")))
                let roster = try await Self.page(client, "/sessions/S-1?lang=en", hr)
                #expect(roster.body.contains(">Approve</button>") && roster.body.contains(">Withdraw</button>"))
                let token = try Self.csrf(roster.body)
                #expect(try await Self.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-33&action=approve").status == 303)
                let noReason = try await Self.post(client, "/sessions/S-1/decision?lang=en", hr, "csrf=\(token)&staff=T-34&action=reject&reason=")
                #expect(noReason.status == 422 && noReason.body.contains("T-34"))
                #expect(try await Self.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-34&action=reject&reason=quota+atteint").status == 303)
                #expect(try await Self.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-1&action=withdraw&reason=mission").status == 303)
                let statuses = try await pool.query(
                    "SELECT t.staff_number, e.status FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number IN ('T-1', 'T-33', 'T-34') ORDER BY 1"
                ).map { "\(try $0.decode("staff_number", as: String.self))=\(try $0.decode("status", as: String.self))" }
                #expect(statuses == ["T-1=withdrawn", "T-33=enrolled", "T-34=rejected"])
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "trainer", "long-enough-1")))
                let trainerPage = try await Self.page(client, "/sessions/S-1", trainer)
                #expect(!trainerPage.body.contains("/decision"), "trainers do not decide enrolments")
                let refused = try await Self.post(client, "/sessions/S-1/decision", trainer, "csrf=\(try Self.csrf(trainerPage.body))&staff=T-2&action=withdraw")
                #expect(refused.status == 422)
            }
        }
    }

    @Test func hrEnrolsStaffByNumberAndEveryLineIsReported() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "hr", "long-enough-1")))
                let roster = try await Self.page(client, "/sessions/S-1?lang=en", hr)
                #expect(roster.body.contains("Enrol staff"))
                let token = try Self.csrf(roster.body)
                let result = try await Self.post(client, "/sessions/S-1/enrolments?lang=en", hr, "csrf=\(token)&staff=T-30%0D%0AT-31%0D%0AGHOST-1")
                #expect(result.status == 422)
                #expect(result.body.contains("2 enrolled, 1 refused") && result.body.contains("T-30 : enrolled") && result.body.contains("GHOST-1"))
                let enrolled = try await pool.query("SELECT count(*) AS n FROM enrolment").first!.decode("n", as: Int.self)
                #expect(enrolled == 22)
                let viewer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "viewer", "long-enough-1")))
                let viewerToken = try Self.csrf(try await Self.page(client, "/", viewer).body)
                let refused = try await Self.post(client, "/sessions/S-1/enrolments?lang=en", viewer, "csrf=\(viewerToken)&staff=T-32")
                #expect(refused.body.contains("0 enrolled, 1 refused"))
            }
        }
    }
}

@Suite("Register page: search and spreadsheet import")
struct RegisterPageTests {
    static func upload(_ client: some TestClientProtocol, _ cookie: String, csrf: String, csv: String, dryRun: Bool = false) async throws -> (status: Int, body: String) {
        let boundary = "----KalanTest42"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
        if dryRun { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"agents.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        return try await client.execute(
            uri: "/trainees/import?lang=fr", method: .post,
            headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: body)
        ) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    @Test func hrImportsAMessyExcelCSVAllOrNothingWithTheReportOnThePage() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "hr", "long-enough-1")))
                let page = try await RosterPageTests.page(client, "/trainees?search=T-1", hr)
                #expect(page.status == 200 && page.body.contains("T-10") && page.body.contains("Importer un tableur"))
                let token = try RosterPageTests.csrf(page.body)
                let bad = "\u{FEFF}Matricule;Prénom;Nom;Sexe;Direction\r\nWEB-1;Djénéba;N'Diaye;F;DNT\r\nWEB-2;Oumar;Maïga;X;DNT\r\nWEB-3;Awa;Keïta;F;NOPE\r\n"
                let refused = try await Self.upload(client, hr, csrf: token, csv: bad)
                #expect(refused.status == 422 && refused.body.contains("rien n&#39;a été enregistré") && refused.body.contains("<td>3</td><td>sex</td>"))
                #expect(refused.body.contains("<td>4</td><td>department</td><td>NOPE</td>"), "a line that reads well but names an unknown department is reported too")
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number LIKE 'WEB-%'").first!.decode("n", as: Int.self) == 0)
                let good = bad.replacingOccurrences(of: ";X;", with: ";M;").replacingOccurrences(of: "WEB-3;Awa;Keïta;F;NOPE\r\n", with: "")
                let checked = try await Self.upload(client, hr, csrf: token, csv: good, dryRun: true)
                #expect(checked.status == 200 && checked.body.contains("Vérification seule"))
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number LIKE 'WEB-%'").first!.decode("n", as: Int.self) == 0)
                let stored = try await Self.upload(client, hr, csrf: token, csv: good)
                #expect(stored.status == 200 && stored.body.contains("2 ajouté(s)"))
                let names = try await pool.query("SELECT family_name FROM trainee WHERE staff_number LIKE 'WEB-%' ORDER BY staff_number").map { try $0.decode("family_name", as: String.self) }
                #expect(names == ["N'Diaye", "Maïga"])
                #expect(try await Self.upload(client, hr, csrf: "forged", csv: good).status == 403)
            }
        }
    }

    @Test func viewersReadTheRegisterWithoutImportAndTrainersAreRefused() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let viewer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "viewer", "long-enough-1")))
                let page = try await RosterPageTests.page(client, "/trainees?lang=en", viewer)
                #expect(page.status == 200 && page.body.contains("Staff register") && !page.body.contains("Import a spreadsheet"))
                let trainer = try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, "trainer", "long-enough-1")))
                #expect(try await RosterPageTests.page(client, "/trainees", trainer).status == 403)
            }
        }
    }
}
