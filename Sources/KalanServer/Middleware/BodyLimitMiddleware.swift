import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Caps each request's body by route before anything reads it, whatever its headers say. A
/// `Content-Length` over the cap, or too large to be a number, is refused at once (413, nothing
/// read); any other body (chunked, or shorter than it claims) is read up to the cap and refused
/// past it. A credential is a few KB; a staff file may be large.
///
/// The body must also arrive in time: a minute, plus a second per 64 KB the route takes. A
/// client trickling bytes is answered 408 at the first byte past the deadline and its connection
/// closed; one that sends nothing is closed by the server's idle timeout.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The first part of the deadline, whatever the route (60 s; tests shorten it).
    var baseDeadline: Duration = .seconds(60)

    /// The most a route takes, in bytes.
    static func limit(path: String) -> Int {
        switch path {
        case "/verify": 64 * 1024
        case "/trainees/import", "/api/v1/trainees/import": 20 << 20
        default: path.hasPrefix("/api/") ? 1 << 20 : 256 * 1024
        }
    }

    /// Routes that check who sends the body before reading it (the staff import): their body is
    /// bounded as it is read; every other body is read here, bounded, before the route sees it.
    static func readsItsOwnBody(path: String) -> Bool { path == "/trainees/import" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let limit = Self.limit(path: path)
        let channel = (context as? KalanRequestContext)?.channel
        if let declared = request.headers[.contentLength] {
            // Digits beyond Int64 are a length over any cap, not "no length".
            guard let length = Int(declared), length <= limit else { throw KalanError.tooLarge(maxBytes: limit) }
        }
        let deadline = ContinuousClock.now + baseDeadline + .seconds(limit / (64 * 1024))
        let seconds = Int((baseDeadline + .seconds(limit / (64 * 1024))).components.seconds)
        let bounded = BoundedBody(base: request.body, limit: limit, deadline: deadline, seconds: seconds, channel: channel)
        var request = request
        if Self.readsItsOwnBody(path: path) {
            request.body = RequestBody(asyncSequence: bounded)
        } else {
            var collected = ByteBuffer()
            for try await chunk in bounded {
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
            request.body = RequestBody(buffer: collected)
        }
        return try await next(request, context)
    }
}

/// A request body read at most up to `limit` bytes and until `deadline`: past either, reading
/// throws the refusal (413 or 408). Past the deadline the connection is also closed once the
/// answer is written, so that a trickling client holds nothing more; past the cap, the rest of
/// the body is read and thrown away as it comes, never kept.
struct BoundedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int
    let deadline: ContinuousClock.Instant
    let seconds: Int
    let channel: (any Channel)?

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let body: BoundedBody
        var count = 0

        mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await base.next()
            } catch is NIOTooManyBytesError {
                throw KalanError.tooLarge(maxBytes: body.limit)
            }
            guard let chunk else { return nil }
            guard ContinuousClock.now <= body.deadline else {
                // The connection closes once the answer is written: the rest is never read.
                if let channel = body.channel {
                    channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
                }
                throw KalanError.tooSlow(seconds: body.seconds)
            }
            count += chunk.readableBytes
            guard count <= body.limit else { throw KalanError.tooLarge(maxBytes: body.limit) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), body: self) }
}
