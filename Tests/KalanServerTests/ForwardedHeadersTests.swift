import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanConfiguration
import Testing

@testable import KalanServer

/// Issue 28 (and 21, "Behind a proxy"): forwarding headers believed only from trusted proxies,
/// the client read from the right, the browser's host given to the Origin check.
@Suite("Trusted proxies: Forwarded and X-Forwarded-* from trusted peers only")
struct ForwardedHeadersTests {
    @Test func addressRangesMatchAddressesAndPrefixes() throws {
        let range = try #require(AddressRange("10.1.0.0/16"))
        #expect(range.contains("10.1.200.3"))
        #expect(!range.contains("10.2.0.1"))
        #expect(range.contains("::ffff:10.1.0.9"), "an IPv4-mapped IPv6 peer is the IPv4 address")
        let six = try #require(AddressRange("fd00::/8"))
        #expect(six.contains("fd12::1") && !six.contains("fe80::1") && !six.contains("10.1.0.1"))
        #expect(try #require(AddressRange("127.0.0.1")).contains("127.0.0.1"))
        #expect(!(try #require(AddressRange("127.0.0.1")).contains("127.0.0.2")))
        for bad in ["", "10.0.0.0/33", "10.0.0.256", "proxy.example", "10.0.0.0/x", "::1/129"] {
            #expect(AddressRange(bad) == nil, "\(bad) is not an address or a range")
        }
        guard case .failure(let invalid) = AddressRange.list("127.0.0.1, 10.0.0.0/8 nginx") else {
            Issue.record("a list with a name in it is refused")
            return
        }
        #expect(invalid.entry == "nginx")
    }

    @Test func forwardingHeadersAreReadFromForwardedFirst() {
        var headers = HTTPFields()
        headers[HTTPField.Name("Forwarded")!] = #"for=198.51.100.7;host=kalan.example.ml;proto=https, for="[2001:db8::1]:4711""#
        headers[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.9"
        let view = ForwardedHeadersMiddleware.view(of: headers)
        #expect(view.chain == ["198.51.100.7", "2001:db8::1"])
        #expect(view.host == "kalan.example.ml")
        var plain = HTTPFields()
        plain[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.9, 10.0.0.2:5555"
        plain[HTTPField.Name("X-Forwarded-Host")!] = "kalan.example.ml:8443"
        let other = ForwardedHeadersMiddleware.view(of: plain)
        #expect(other.chain == ["203.0.113.9", "10.0.0.2"])
        #expect(other.host == "kalan.example.ml:8443")
    }

    /// A live server: the peer is 127.0.0.1. Trusted, its headers name the client and the host;
    /// untrusted (the default), they change nothing but make /metrics not "local".
    @Test(arguments: [true, false])
    func onlyATrustedPeerIsBelieved(trusted: Bool) async throws {
        let router = Router(context: KalanRequestContext.self)
        router.add(middleware: ForwardedHeadersMiddleware(trusted: trusted ? [AddressRange("127.0.0.0/8")!] : []))
        router.post("echo") { request, context in
            "\(context.clientAddress) \(request.head.authority ?? "-") \(context.cameThroughProxy) \(request.head.isSameOrigin)"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.66, 203.0.113.5, 127.0.0.1"
            headers[HTTPField.Name("X-Forwarded-Host")!] = "kalan.example.ml"
            headers[.origin] = "https://kalan.example.ml"
            try await client.execute(uri: "/echo", method: .post, headers: headers) { response in
                let words = String(buffer: response.body).split(separator: " ").map(String.init)
                if trusted {
                    #expect(words == ["203.0.113.5", "kalan.example.ml", "true", "true"], "the rightmost untrusted address; the browser's host")
                } else {
                    #expect(words[0] == "127.0.0.1", "an untrusted peer's X-Forwarded-For is ignored")
                    #expect(words[1] != "kalan.example.ml" && words[2] == "true" && words[3] == "false")
                }
            }
        }
    }
}
