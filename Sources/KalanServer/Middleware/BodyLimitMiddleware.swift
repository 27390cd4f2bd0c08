import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Caps each request's body by route before anything reads it. A body whose `Content-Length`
/// is over the cap is refused at once (413, nothing read); a body sent without a length is read
/// up to the cap and refused past it. A credential is a few KB; a staff file may be large.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The most a route takes, in bytes.
    static func limit(path: String) -> Int {
        switch path {
        case "/verify": 64 * 1024
        case "/trainees/import", "/api/v1/trainees/import": 20 << 20
        default: path.hasPrefix("/api/") ? 1 << 20 : 256 * 1024
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = Self.limit(path: request.uri.path)
        if let declared = request.headers[.contentLength], let length = Int(declared) {
            guard length <= limit else { throw KalanError.tooLarge(maxBytes: limit) }
            return try await next(request, context)
        }
        guard request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        var request = request
        do {
            request.body = RequestBody(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw KalanError.tooLarge(maxBytes: limit)
        }
        return try await next(request, context)
    }
}
