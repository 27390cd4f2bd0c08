import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// gzip or deflate for text answers (pages, stylesheet, JSON, CSV, YAML) when the client accepts
/// it: slow links are the norm. Files that are already compressed (XLSX, PDF, ZIP) go as they are.
enum ResponseCompression {
    static let compressible = ["text/", "application/json", "application/problem+json", "application/ld+json", "application/yaml", "image/svg+xml"]

    static func handlers() -> [any RemovableChannelHandler] {
        [
            HTTPResponseCompressor(responseCompressionPredicate: { head, supported in
                guard supported, let type = head.headers.first(name: "content-type")?.lowercased() else { return .doNotCompress }
                return compressible.contains { type.hasPrefix($0) } ? .compressIfPossible : .doNotCompress
            })
        ]
    }
}
