import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import Metrics
import Prometheus

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
