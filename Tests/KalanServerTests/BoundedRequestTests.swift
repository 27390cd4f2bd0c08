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

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Bounded work: body caps (413), the import's checks before its body, verification per address, /metrics for operators, idle connections closed")
struct BoundedRequestTests {
    @Test func aBodyOverItsRoutesCapIsRefusedWith413AndNothingKept() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let huge = #"{"staffNumber":"BIG-1","givenName":"Awa","familyName":""# + String(repeating: "a", count: 2 << 20) + #"","sex":"F"}"#
                try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: f.headers("hr", json: true, extra: [.acceptLanguage: "en"]), body: ByteBuffer(string: huge)
                ) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    #expect(String(buffer: response.body).contains("at most 1 MB"), "\(String(buffer: response.body).prefix(300))")
                }
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number = 'BIG-1'").first!.decode("n", as: Int.self) == 0)
                // A credential is a few KB: 100 KB pasted into the public form is a page saying so.
                let pasted = "credential=" + String(repeating: "x", count: 100 * 1024)
                try await client.execute(
                    uri: "/verify?lang=fr", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: pasted)
                ) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(String(buffer: response.body).contains("64 Ko au plus"))
                }
            }
        }
    }

    /// The import's sender, role and form token are checked before its (up to 20 MB) body is
    /// read: a viewer's upload, or one without the token in its address, is refused at once.
    @Test func theImportChecksRoleAndTokenBeforeItsBody() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let boundary = "----KalanTest42"
                let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n" + String(repeating: "x;", count: 500_000) + "\r\n--\(boundary)--\r\n"
                let headers: (String) -> HTTPFields = { [.cookie: $0, .contentType: "multipart/form-data; boundary=\(boundary)"] }
                let viewer = try await Pages.signIn(client, "viewer")
                let token = try Pages.csrf(try await Pages.get(client, "/trainees", viewer).body)
                let refused = try await client.execute(uri: "/trainees/import?csrf=\(token)", method: .post, headers: headers(viewer), body: ByteBuffer(string: body)) {
                    $0.status
                }
                #expect(refused == .forbidden)
                let hr = try await Pages.signIn(client, "hr")
                let noToken = try await client.execute(uri: "/trainees/import", method: .post, headers: headers(hr), body: ByteBuffer(string: body)) { $0.status }
                #expect(noToken == .forbidden)
                let anonymous = try await client.execute(uri: "/trainees/import", method: .post, headers: headers(""), body: ByteBuffer(string: body)) { $0.status }
                #expect(anonymous == .seeOther, "to the login page")
            }
        }
    }

    @Test func publicVerificationIsLimitedPerAddress() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            let app = f.app {
                $0.verificationBurst = 3
                $0.verificationsPerMinute = 6
            }
            try await app.test(.router) { client in
                for i in 0..<3 {
                    #expect(try await Pages.get(client, "/verify/NOPE-\(i)", nil).status == 404)
                }
                try await client.execute(uri: "/verify/NOPE-4?lang=en", method: .get) { response in
                    #expect(response.status == .tooManyRequests)
                    // One request every 10 s at 6 a minute, less the time the first ones took on a busy
                    // machine (up to 3 s in a loaded run of the whole suite).
                    #expect((5...10).contains(Int(response.headers[.retryAfter] ?? "") ?? 0), "one request every 10 s at 6 a minute")
                    #expect(String(buffer: response.body).contains("Too many requests from your address"))
                }
                // The empty form and the issuer's profile are not counted.
                #expect(try await Pages.get(client, "/verify", nil).status == 200)
                #expect(try await Pages.get(client, "/issuer", nil).status == 200)
            }
        }
    }

    @Test func theLimiterRefillsAndForgetsAddresses() {
        let limiter = AddressRateLimiter(burst: 2, perMinute: 60, maxAddresses: 2)
        let start = ContinuousClock.now
        #expect(limiter.take("a", start) == nil && limiter.take("a", start) == nil)
        #expect(limiter.take("a", start) == 1)
        #expect(limiter.take("b", start) == nil, "another address has its own bucket")
        #expect(limiter.take("a", start + .seconds(1)) == nil, "one token a second")
        // A third address while the table is full: the full buckets are forgotten first.
        #expect(limiter.take("c", start + .seconds(10)) == nil)
    }

    @Test func metricsAreForOperatorsOnly() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app { $0.metricsToken = "scrape-secret" }.test(.router) { client in
                let anonymous = try await client.execute(uri: "/metrics", method: .get) { $0.status }
                let wrong = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) { $0.status }
                let right = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret"]) { $0.status }
                #expect(anonymous == .notFound && wrong == .notFound && right == .ok)
            }
            // Without a token: a loopback client gets it, unless it came through a proxy.
            try await f.app().test(.live) { client in
                let local = try await client.execute(uri: "/metrics", method: .get) { $0.status }
                let proxied = try await client.execute(uri: "/metrics", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9"]) { $0.status }
                #expect(local == .ok && proxied == .notFound)
            }
        }
    }

    /// Half-sent headers do not hold a connection: it is closed after the idle timeout.
    @Test func aConnectionWithHalfSentHeadersIsClosed() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app { $0.idleTimeoutSeconds = 1 }.test(.live) { client in
                let port = try #require(client.port)
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(fd) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                #expect(connected == 0)
                let partial = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                #expect(partial.withCString { send(fd, $0, strlen($0), 0) } > 0)
                // Wait (at most 20 s) for the server to close: recv returns 0 at end of stream.
                var wait = timeval(tv_sec: 20, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 512)
                let received = recv(fd, &buffer, buffer.count, 0)
                #expect(received == 0, "the server closed the connection (recv \(received), errno \(errno))")
            }
        }
    }

    /// Issue 21: a `Content-Length` beyond Int64 is a length over any cap, not "no length": 413
    /// at once, as a problem, whatever the content type, and nothing read.
    @Test func aLengthBeyondInt64IsRefusedAt413NotReadWhole() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.live) { client in
                let connection = try RawConnection(port: try #require(client.port))
                await connection.send(
                    "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept-Language: en\r\n"
                        + "Content-Length: 9223372036854775808\r\n\r\n{\"username\":\"")
                await connection.send(String(repeating: "a", count: 64 * 1024))
                let answer = await connection.receive(seconds: 20, untilClosed: false)
                #expect(answer.text.hasPrefix("HTTP/1.1 413"), "\(answer.text.prefix(300))")
                #expect(answer.text.contains("application/problem+json") && answer.text.contains("at most 1 MB"))
            }
        }
    }

    /// A chunked body is read up to its route's cap, never past it: 413, not 500.
    @Test func aChunkedBodyIsReadOnlyUpToItsRoutesCap() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.live) { client in
                let connection = try RawConnection(port: try #require(client.port))
                await connection.send("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                let chunk = String(repeating: "a", count: 64 * 1024)
                for _ in 0..<40 {
                    guard await connection.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n") else { break }
                }
                await connection.send("0\r\n\r\n")
                let answer = await connection.receive(seconds: 20, untilClosed: false)
                #expect(answer.text.hasPrefix("HTTP/1.1 413"), "\(answer.text.prefix(300))")
            }
        }
    }

    /// A body trickled a byte at a time is cut at its deadline (408, then the connection closed);
    /// and a request stops counting as active when it is done, even if its client is gone.
    @Test func aSlowBodyIsCutAtItsDeadlineAndStopsCountingAsActive() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app { $0.bodyDeadlineSeconds = 1 }.test(.live) { client in
                let port = try #require(client.port)
                let slow = try RawConnection(port: port)
                await slow.send("POST /verify?lang=en HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\ncredential=")
                let trickle = Task {
                    for _ in 0..<60 {
                        try await Task.sleep(for: .milliseconds(250))
                        guard await slow.send("x") else { return }
                    }
                }
                // 1 s, plus 1 s for the 64 KB /verify takes: the answer comes well before the body ends.
                let answer = await slow.receive(seconds: 20)
                trickle.cancel()
                #expect(answer.text.hasPrefix("HTTP/1.1 408"), "\(answer.text.prefix(300))")
                #expect(answer.text.contains("more than 2 s"))
                #expect(answer.closed, "the connection is closed after the answer")

                // Clients that vanish while sending: their requests end and are no longer counted.
                for _ in 0..<3 {
                    let gone = try RawConnection(port: port)
                    await gone.send("POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ncredential=abc")
                    try await Task.sleep(for: .milliseconds(100))
                    gone.abort()
                }
                var active: Double?
                // Up to 15 s: a loaded run of the whole suite can take seconds to see the aborts.
                for _ in 0..<150 {
                    try await Task.sleep(for: .milliseconds(100))
                    let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                    let line = text.split(separator: "\n").first { $0.hasPrefix("kalan_http_active_requests{") && $0.contains("method=\"POST\"") }
                    active = line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
                    if active == 0 { break }
                }
                #expect(active == 0, "no POST is live any more")
            }
        }
    }

    /// The API's verification of a serial is the same lookup as `/verify/{serial}`: one budget
    /// per address for both.
    @Test func theAPIsVerificationSharesTheVerificationLimit() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            let app = f.app {
                $0.verificationBurst = 3
                $0.verificationsPerMinute = 1
            }
            try await app.test(.router) { client in
                for i in 0..<2 {
                    let status = try await client.execute(uri: "/api/v1/certificates/NOPE-\(i)/verification", method: .get) { $0.status }
                    #expect(status == .notFound)
                }
                #expect(try await Pages.get(client, "/verify/NOPE-2", nil).status == 404)
                try await client.execute(uri: "/api/v1/certificates/NOPE-3/verification", method: .get, headers: [.acceptLanguage: "en"]) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] != nil)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                #expect(try await Pages.get(client, "/verify/NOPE-4", nil).status == 429)
            }
        }
    }
}
