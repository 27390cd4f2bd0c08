import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

@Suite("Server health: process up, database reachable and migrated")
struct HealthTests {
    @Test func readyWhenDatabaseIsMigrated() async throws {
        try await TestDatabase.withPool { pool in
            let app = buildApplication(configuration: .init(), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func notReadyWithProblemJSONWhenMigrationsArePending() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            let app = buildApplication(configuration: .init(), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/readyz", method: .get, headers: [.acceptLanguage: "en"]) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(String(buffer: response.body).utf8))
                    #expect(problem.title == "Database not migrated")
                }
            }
        }
    }

    @Test func notReadyWhenDatabaseIsUnreachable() async throws {
        let pool = PostgresPool(
            configuration: .init(url: "postgresql:///nowhere?host=/nonexistent-kalan-socket&user=postgres", connectTimeoutSeconds: 1),
            maxConnections: 1)
        let app = buildApplication(configuration: .init(), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        await pool.close()
    }

    /// Issue 21: with the database gone, each resource answers 503 in its own form, with
    /// Retry-After: the login page an HTML page (not "wrong password"), the issuer's profile and
    /// the status list JSON problems.
    @Test func withTheDatabaseGoneEachResourceAnswers503InItsOwnForm() async throws {
        let pool = PostgresPool(
            configuration: .init(url: "postgresql:///nowhere?host=/nonexistent-kalan-socket&user=postgres", connectTimeoutSeconds: 1),
            maxConnections: 1)
        let app = buildApplication(configuration: .init(), pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/login?lang=en", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=hr&password=long-enough-1")
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            for path in ["/issuer", "/status/1", "/issuer/achievements/TEL-101"] {
                try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: "en"]) { response in
                    #expect(response.status == .serviceUnavailable, "\(path)")
                    #expect(response.headers[.retryAfter] != nil, "\(path)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(path)")
                    #expect(String(buffer: response.body).contains("\"status\":503"), "\(path)")
                }
            }
        }
        await pool.close()
    }
}

@Suite("Metrics: Prometheus text with routes, never raw values")
struct MetricsTests {
    /// The value of one series in Prometheus text, 0 when absent.
    static func value(of series: String, in text: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) } ?? 0
    }

    @Test func metricsCountRequestsByRouteAndShowPoolUsage() async throws {
        try await TestDatabase.withPool { pool in
            var configuration = ServerConfiguration()
            configuration.metricsToken = "scrape"
            let scraper: HTTPFields = [.authorization: "Bearer scrape"]
            let app = buildApplication(configuration: configuration, pool: pool, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                // One registry per process, shared with the tests running beside this one: counts only grow.
                let healthz = #"kalan_http_requests_total{method="GET",route="/healthz",status="200"}"#
                let before = Self.value(of: healthz, in: String(buffer: try await client.execute(uri: "/metrics", method: .get, headers: scraper).body))
                try await client.execute(uri: "/healthz", method: .get) { _ in }
                try await client.execute(uri: "/verify/SECRET-SERIAL-1", method: .get) { _ in }
                try await client.execute(uri: "/metrics", method: .get, headers: scraper) { response in
                    let text = String(buffer: response.body)
                    #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                    #expect(Self.value(of: healthz, in: text) >= before + 1)
                    #expect(text.contains("# TYPE kalan_http_requests_total counter"))
                    #expect(text.contains("# TYPE kalan_http_request_duration_seconds histogram"))
                    #expect(text.contains("route=\"/verify/{serial}\""))
                    #expect(!text.contains("SECRET-SERIAL-1"))
                    #expect(text.contains("kalan_db_pool_connections{state=\"open\"}"))
                    #expect(text.contains("kalan_db_pool_waiting"))
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
                }
            }
        }
    }
}
