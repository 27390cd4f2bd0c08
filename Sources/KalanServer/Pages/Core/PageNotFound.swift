import HTTPTypes
import Hummingbird
import KalanCore

/// An address no route answers: a browser gets a page in the reader's language with the
/// navigation (404, or 405 with `Allow` when the address exists for another method) instead of
/// an empty answer that the browser replaced by its own English page. The API and JSON clients
/// keep their problem documents. Added to the router after every route, so that only the
/// not-found answer goes through it.
struct PageNotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    let accounts: Accounts
    /// Every route's path (segments; `:name`, `{name}` and `*` match any segment) and its methods.
    let routes: [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    init(accounts: Accounts, routes: [Router<Context>.RouteDescription]) {
        self.accounts = accounts
        var table: [String: (segments: [Substring], methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            let key = route.path.description
            table[key, default: (key.split(separator: "/"), [])].methods.insert(route.method)
        }
        self.routes = Array(table.values)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            guard !path.hasPrefix("/api/"), !request.wantsJSON else { throw error }
            // Outside the pages' group: the same check of the session as `PageAuthenticator`'s.
            let visitor = try? await PageAuthenticator<Context>.visitor(of: request, accounts: accounts)
            let page = PagePrincipal.$visitor.withValue(visitor ?? nil) { PageRequest(request) }
            let segments = path.split(separator: "/")
            let allowed = routes.filter { matches($0.segments, segments) }.reduce(into: Set<HTTPRequest.Method>()) { $0.formUnion($1.methods) }
            if !allowed.isEmpty, !allowed.contains(request.method) {
                var response = page.message(
                    page.t("error.title.405"), text: page.t("error.method", ["method": request.method.rawValue]), status: .methodNotAllowed)
                response.headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return response
            }
            let shown = String(path.prefix(120))
            return page.message(page.t("error.title.404"), text: page.t("error.no_page", ["path": shown]), status: .notFound)
        }
    }

    func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        if template.last == "**" { return segments.count >= template.count - 1 }
        return template.count == segments.count
            && zip(template, segments).allSatisfy { $0.hasPrefix(":") || $0.hasPrefix("{") || $0 == "*" || $0 == $1 }
    }
}
