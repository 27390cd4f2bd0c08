import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import Metrics
import Prometheus
import Synchronization

/// Metrics go through swift-metrics: Hummingbird's `MetricsMiddleware` counts and times requests
/// per route (the matched route, never the raw path, so staff numbers and serials never become
/// label values); swift-prometheus collects them and writes `/metrics`.
public enum KalanMetrics {
    /// The process's registry, bootstrapped into swift-metrics on first use (once per process,
    /// as swift-metrics requires; every application built in the process shares it).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in (prometheusName(name), prometheusLabels(labels)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Hummingbird's names (`hb.requests`, `http.server.request.duration`) as Prometheus' with
    /// the `kalan_` prefix.
    static func prometheusName(_ name: String) -> String {
        switch name {
        case "hb.requests": "kalan_http_requests_total"
        case "hb.request.errors": "kalan_http_request_errors_total"
        case "http.server.request.duration": "kalan_http_request_duration_seconds"
        case "http.server.active_requests": "kalan_http_active_requests"
        default: name.hasPrefix("kalan_") ? name : "kalan_" + name.replacingOccurrences(of: ".", with: "_")
        }
    }

    static func prometheusLabels(_ labels: [(String, String)]) -> [(String, String)] {
        let names = ["http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "status"]
        return labels.map { (names[$0.0] ?? $0.0.replacingOccurrences(of: ".", with: "_"), $0.1) }.sorted { $0.0 < $1.0 }
    }

    /// The `/metrics` route, for operators only: with `Authorization: Bearer <token>` when a
    /// metrics token is set; without a token, only for a client on this machine's loopback that
    /// came through no proxy (none of the trusted proxies, no `Forwarded`/`X-Forwarded-For`). Anyone else gets a 404, as if the
    /// route did not exist. The pool's figures are read when scraped, then the registry is written
    /// in Prometheus' text format.
    static func addRoute(to router: Router<KalanRequestContext>, pool: (any PoolUsageProbe)?, token: String?) {
        let open = Gauge(label: "kalan_db_pool_connections", dimensions: [("state", "open")])
        let inUse = Gauge(label: "kalan_db_pool_connections", dimensions: [("state", "in_use")])
        let waiting = Gauge(label: "kalan_db_pool_waiting")
        router.get("metrics") { request, context in
            guard isOperator(request, address: context.clientAddress, throughProxy: context.cameThroughProxy, token: token) else {
                throw HTTPError(.notFound)
            }
            if let pool {
                let usage = await pool.usage()
                open.record(usage.open)
                inUse.record(usage.inUse)
                waiting.record(usage.waiting)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(bytes: registry.emitToBuffer())))
        }
    }

    static func isOperator(_ request: Request, address: String, throughProxy: Bool, token: String?) -> Bool {
        if let token, !token.isEmpty {
            guard let given = request.headers[.authorization], given.hasPrefix("Bearer ") else { return false }
            return Array(given.dropFirst(7).utf8).constantTimeEquals(Array(token.utf8))
        }
        return !throughProxy && (address == "127.0.0.1" || address == "::1")
    }
}

extension Array where Element == UInt8 {
    /// Equal bytes, compared in a time that does not depend on where they differ.
    func constantTimeEquals(_ other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        return zip(self, other).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Hummingbird's `MetricsMiddleware`, but for the gauge of active requests: a request stops
/// counting when its handler is done (answered, or failed), not when its answer has been written.
/// A client that went away before reading its answer (a slow body cut off, a dropped connection)
/// would otherwise stay counted forever, the write's completion never coming. Request counts,
/// errors and durations are the same as Hummingbird's, under the same names.
struct LiveRequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let cache = RequestMetricsCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(method: request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            active.decrement()
            let status = response.status
            let metrics = cache.endpoint(route: context.endpointPath ?? "Unknown", method: request.method, status: status)
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer {
                    metrics.counter.increment()
                    metrics.timer.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
                }
                try await body.write(writer)
            }
            return response
        } catch {
            active.decrement()
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            metrics.counter.increment()
            metrics.errors.increment()
            throw error
        }
    }
}

/// The metrics of each method and each (route, method, status), made once.
final class RequestMetricsCache: Sendable {
    struct Endpoint: Sendable {
        let counter: Metrics.Counter
        let timer: Metrics.Timer
        let errors: Metrics.Counter
    }
    struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }
    private let meters = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let endpoints = Mutex<[Key: Endpoint]>([:])

    func active(method: HTTPRequest.Method) -> Meter {
        meters.withLock { table in
            if let meter = table[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.description)])
            table[method] = meter
            return meter
        }
    }

    func endpoint(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Endpoint {
        endpoints.withLock { table in
            let key = Key(route: route, method: method, status: status)
            if let found = table[key] { return found }
            let labels = [("http.route", route), ("http.request.method", method.description), ("http.response.status_code", status.code.description)]
            let made = Endpoint(
                counter: Metrics.Counter(label: "hb.requests", dimensions: labels),
                timer: Metrics.Timer(label: "http.server.request.duration", dimensions: labels, preferredDisplayUnit: .seconds),
                errors: Metrics.Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", route), ("http.request.method", method.description), ("error.type", status.code.description)]))
            table[key] = made
            return made
        }
    }
}
