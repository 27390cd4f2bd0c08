import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for text answers (pages, stylesheet, JSON, CSV, YAML) when the client accepts it: slow
/// links are the norm. Files that are already compressed (XLSX, PDF, ZIP) and small answers go as
/// they are. The zlib work is compress-nio's; Hummingbird's pipeline carries HTTPTypes parts, which
/// NIOHTTPCompression's channel handler (NIOHTTP1 parts) cannot sit in.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    static var compressible: [String] {
        ["text/", "application/json", "application/problem+json", "application/ld+json", "application/yaml", "image/svg+xml"]
    }
    /// Below this many bytes, compressing saves less than it costs.
    static var threshold: Int { 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard Self.acceptsGzip(request.headers[.acceptEncoding]), response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType]?.lowercased(), Self.compressible.contains(where: { type.hasPrefix($0) }),
            response.status != .noContent, response.status != .notModified, request.method != .head
        else { return response }
        let collected = Collected()
        try await response.body.write(CollectingWriter(into: collected))
        var plain = collected.buffer
        response.headers[values: .vary].append("Accept-Encoding")
        guard plain.readableBytes >= Self.threshold else {
            response.body = ResponseBody(byteBuffer: plain)
            return response
        }
        let compressed = try plain.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: compressed)
        return response
    }

    /// `gzip` (or `*`) listed without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.lowercased().split(separator: ",").contains { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = pieces.first, coding == "gzip" || coding == "*" else { return false }
            return !pieces.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" || $0 == "q=0.0" }
        }
    }
}

/// The bytes of a response body, gathered to compress them in one go (pages are small).
final class Collected: @unchecked Sendable {
    var buffer = ByteBuffer()
}

struct CollectingWriter: ResponseBodyWriter {
    let into: Collected

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
