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
                #expect(String(buffer: response.body).contains(#""role":"hr""#))
                let cookie = try #require(Self.cookie(response))
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { me in
                    #expect(me.status == .ok)
                    #expect(String(buffer: me.body).contains(#""username":"hr""#))
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
                #expect(html.contains("<svg") && html.contains("S-1 · women") && html.contains("Programmes: progress towards target"))
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
                    #expect(String(buffer: response.body).contains("Regrouper par : valeurs possibles"))
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
