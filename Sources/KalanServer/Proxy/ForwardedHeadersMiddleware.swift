import Foundation
import HTTPTypes
import Hummingbird
import KalanConfiguration

/// Reads what a trusted reverse proxy says the browser saw, and nothing from anyone else.
///
/// Only when the socket's peer is one of `trusted` (KALAN_TRUSTED_PROXIES) are `Forwarded`
/// (RFC 7239) or `X-Forwarded-For`/`-Host`/`-Proto` read: the client is the rightmost address
/// of the chain that is not itself a trusted proxy (what a client writes on the left cannot choose
/// it), and the request's authority becomes the forwarded host, so that the Origin check of
/// cookie-authenticated changes compares with the address in the browser's bar. A request that
/// came through a proxy (trusted or not) is never "local" for `/metrics`.
struct ForwardedHeadersMiddleware: RouterMiddleware {
    let trusted: [AddressRange]

    static let forwarded = HTTPField.Name("Forwarded")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func handle(_ request: Request, context: KalanRequestContext, next: (Request, KalanRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let headers = request.headers
        let hasForwarding = headers[Self.forwarded] != nil || headers[Self.forwardedFor] != nil
        guard !trusted.isEmpty, let peer = context.remoteAddress?.ipAddress, isTrusted(peer) else {
            context.cameThroughProxy = hasForwarding
            return try await next(request, context)
        }
        context.cameThroughProxy = true
        let view = Self.view(of: headers)
        // Walk from the right: each trusted hop vouches for the one before it.
        if let client = view.chain.reversed().first(where: { !isTrusted($0) }) ?? view.chain.first {
            context.forwardedClient = client
        }
        guard let host = view.host, Self.isPlausibleHost(host) else { return try await next(request, context) }
        var head = request.head
        head.authority = host
        return try await next(Request(head: head, body: request.body), context)
    }

    func isTrusted(_ address: String) -> Bool { trusted.contains { $0.contains(address) } }

    /// The chain of client addresses (leftmost first) and the host the browser used, from
    /// `Forwarded` when present, else from the `X-Forwarded-*` headers.
    static func view(of headers: HTTPFields) -> (chain: [String], host: String?) {
        let forwardedValues = headers[values: forwarded]
        if !forwardedValues.isEmpty {
            var chain: [String] = []
            var host: String?
            for element in forwardedValues.joined(separator: ",").split(separator: ",") {
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                    var value = parts[1].trimmingCharacters(in: .whitespaces)
                    if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                    if name == "for" { chain.append(Self.stripPort(value)) }
                    if name == "host", host == nil { host = value }
                }
            }
            return (chain, host)
        }
        let chain = headers[values: forwardedFor].joined(separator: ",").split(separator: ",").map {
            stripPort($0.trimmingCharacters(in: .whitespaces))
        }
        let host = headers[forwardedHost]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        return (chain, host)
    }

    /// `[::1]:443` → `::1`, `10.0.0.5:1234` → `10.0.0.5`; a bare IPv6 address stays whole.
    static func stripPort(_ value: String) -> String {
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<end])
        }
        if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") { return String(value[..<colon]) }
        return value
    }

    /// A host name or address with an optional port, nothing else (no path, no spaces).
    static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 255
            && host.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-:[]_".unicodeScalars.contains($0)) }
    }
}
