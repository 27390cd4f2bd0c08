import Hummingbird
import KalanCore
import Synchronization

/// Per-address token buckets: `burst` requests at once, then `perMinute`. Kept in this
/// process's memory (each server behind a load balancer counts its own); an address unseen for
/// long enough to be full again is forgotten when the table grows past `maxAddresses`.
public final class AddressRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let burst: Double
    let perSecond: Double
    let maxAddresses: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(burst: Int, perMinute: Int, maxAddresses: Int = 100_000) {
        self.burst = Double(max(1, burst))
        self.perSecond = Double(max(1, perMinute)) / 60
        self.maxAddresses = maxAddresses
    }

    /// Takes one request for the address: nil when allowed, else the seconds to wait.
    public func take(_ address: String, _ now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { table in
            if table.count >= maxAddresses, table[address] == nil {
                let refill = Duration.seconds(burst / perSecond)
                table = table.filter { now - $0.value.updated < refill }
                if table.count >= maxAddresses { table.removeAll(keepingCapacity: true) }
            }
            var bucket = table[address] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = now
            defer { table[address] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return Int(((1 - bucket.tokens) / perSecond).rounded(.up))
        }
    }
}

/// Public verification, limited per address: a serial's page and JSON, the downloads under it,
/// the form that checks a pasted credential, and the API's verification of a serial or of a posted
/// credential (the same
/// lookup: one limiter, shared by the pages and the API, so one budget for both). The empty form
/// and the issuer's public documents are not counted.
struct VerificationRateLimitMiddleware: RouterMiddleware {
    let limiter: AddressRateLimiter

    static func counts(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/v1/certificates/") && path.hasSuffix("/verification") { return true }
        if path == "/api/v1/credentials/verification" { return true }
        return path.hasPrefix("/verify/") || (path == "/verify" && request.method == .post)
    }

    func handle(_ request: Request, context: KalanRequestContext, next: (Request, KalanRequestContext) async throws -> Response) async throws -> Response {
        if Self.counts(request), let wait = limiter.take(context.clientAddress) {
            // A refused form's body is not read: its connection ends with the answer.
            if request.method == .post { BodyLimitMiddleware<KalanRequestContext>.closeAfterAnswer(context.channel) }
            throw KalanError.rateLimited(retryAfter: wait)
        }
        return try await next(request, context)
    }
}
