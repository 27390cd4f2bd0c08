import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Postgres

/// Request counts and latencies per route and status, and the pool's usage, in Prometheus' text
/// format at `/metrics`.
final class RequestMetrics: Sendable {
    struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: RequestMetrics.bounds.count)
    }

    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let series = NIOLockedValueBox([Key: Series]())

    func record(method: String, route: String, status: Int, seconds: Double) {
        series.withLockedValue { all in
            var entry = all[Key(method: method, route: route, status: status)] ?? Series()
            entry.count += 1
            entry.sum += seconds
            for (i, bound) in Self.bounds.enumerated() where seconds <= bound { entry.buckets[i] += 1 }
            all[Key(method: method, route: route, status: status)] = entry
        }
    }

    func render(pool: PostgresPool.Usage) -> String {
        var lines = [
            "# HELP kalan_http_requests_total HTTP requests by method, route and status.", "# TYPE kalan_http_requests_total counter",
        ]
        let snapshot = series.withLockedValue { $0 }.sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
        for (key, value) in snapshot {
            lines.append("kalan_http_requests_total{\(labels(key))} \(value.count)")
        }
        lines += ["# HELP kalan_http_request_duration_seconds Time to answer.", "# TYPE kalan_http_request_duration_seconds histogram"]
        for (key, value) in snapshot {
            for (i, bound) in Self.bounds.enumerated() {
                lines.append("kalan_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(value.buckets[i])")
            }
            lines.append("kalan_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(value.count)")
            lines.append("kalan_http_request_duration_seconds_sum{\(labels(key))} \(value.sum)")
            lines.append("kalan_http_request_duration_seconds_count{\(labels(key))} \(value.count)")
        }
        lines += [
            "# HELP kalan_db_pool_connections Database connections by state.", "# TYPE kalan_db_pool_connections gauge",
            "kalan_db_pool_connections{state=\"open\"} \(pool.open)", "kalan_db_pool_connections{state=\"in_use\"} \(pool.inUse)",
            "# HELP kalan_db_pool_waiting Requests waiting for a connection.", "# TYPE kalan_db_pool_waiting gauge",
            "kalan_db_pool_waiting \(pool.waiting)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private func labels(_ key: Key) -> String {
        "method=\"\(key.method)\",route=\"\(key.route.replacingOccurrences(of: "\"", with: ""))\",status=\"\(key.status)\""
    }
}

struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // Routes, not raw paths, so that staff numbers and serials never become label values.
        func route() -> String { context.endpointPath ?? "unmatched" }
        do {
            let response = try await next(request, context)
            metrics.record(method: request.method.rawValue, route: route(), status: response.status.code, seconds: (ContinuousClock.now - start).seconds)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(method: request.method.rawValue, route: route(), status: status, seconds: (ContinuousClock.now - start).seconds)
            throw error
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
