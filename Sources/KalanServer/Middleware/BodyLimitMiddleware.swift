import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Caps each request's body by route before anything reads it, whatever its headers say. A
/// `Content-Length` over the cap, or too large to be a number, is refused at once (413, nothing
/// read, the connection closed after the answer); any other body (chunked, or shorter than it
/// claims) is read up to the cap and refused past it. A credential is a few KB; a staff file may
/// be large.
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
        // A signed sign-in sheet's scan (training room).
        case _ where path.hasPrefix("/sessions/") && path.hasSuffix("/attendance/scans"): AttendanceScanPage.bodyLimit
        case _ where path.hasPrefix("/api/v1/sessions/") && path.hasSuffix("/scans"): AttendanceScanPage.bodyLimit
        // An end-of-mission report (cooperation).
        case _ where path.hasPrefix("/abroad/") && path.hasSuffix("/report"): AbroadFiles.maxReportBytes + 64 * 1024
        default: path.hasPrefix("/api/") ? 1 << 20 : 256 * 1024
        }
    }

    /// Routes that check who sends the body before reading it (the staff import): their body is
    /// bounded as it is read; every other body is read here, bounded, before the route sees it.
    static func readsItsOwnBody(path: String) -> Bool { path == "/trainees/import" }

    /// Ends the connection once the answer being prepared is written: what is left of a refused
    /// body is never read (nor a trickle of it waited for).
    static func closeAfterAnswer(_ channel: (any Channel)?) {
        guard let channel else { return }
        channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let limit = Self.limit(path: path)
        let channel = (context as? KalanRequestContext)?.channel
        if let declared = request.headers[.contentLength] {
            // Digits beyond Int64 are a length over any cap, not "no length".
            guard let length = Int(declared), length <= limit else {
                Self.closeAfterAnswer(channel)
                throw KalanError.tooLarge(maxBytes: limit)
            }
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
/// throws the refusal (413 or 408), and the connection is closed once the answer is written, so
/// that the rest is never read and a trickling client holds nothing more.
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
                BodyLimitMiddleware<KalanRequestContext>.closeAfterAnswer(body.channel)
                throw KalanError.tooSlow(seconds: body.seconds)
            }
            count += chunk.readableBytes
            guard count <= body.limit else {
                BodyLimitMiddleware<KalanRequestContext>.closeAfterAnswer(body.channel)
                throw KalanError.tooLarge(maxBytes: body.limit)
            }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), body: self) }
}
