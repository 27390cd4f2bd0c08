import Foundation
import HTTPTypes
import Hummingbird

/// A known API path asked with a method the contract does not list gets 405 with `Allow`,
/// not 404. The table comes from the served OpenAPI document itself.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path templates split into segments (`{…}` matches any segment) and their methods.
    let routes: [(segments: [String], methods: Set<String>)]

    init(document: String = OpenAPIDocument.json, prefix: String = "/api/v1") {
        var routes: [(segments: [String], methods: Set<String>)] = []
        if let json = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any],
            let paths = json["paths"] as? [String: Any]
        {
            for (path, item) in paths {
                let methods = Set((item as? [String: Any] ?? [:]).keys.map { $0.uppercased() }.filter { $0 != "PARAMETERS" })
                routes.append(((prefix + path).split(separator: "/").map(String.init), methods))
            }
        }
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/").map(String.init)
        guard let route = routes.first(where: { matches($0.segments, segments) }), !route.methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allow = route.methods.sorted().joined(separator: ", ")
        return Problem(type: "/problems/method-not-allowed", title: "Method not allowed", status: 405, detail: "Allowed: \(allow)")
            .response(headers: [.allow: allow])
    }

    func matches(_ template: [String], _ segments: [String]) -> Bool {
        template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
