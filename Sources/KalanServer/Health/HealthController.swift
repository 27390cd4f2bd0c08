import Hummingbird
import KalanCore
import Logging

/// `/healthz`: the process answers. `/readyz`: the database is reachable and fully migrated.
struct HealthController<Context: RequestContext>: Sendable {
    let readiness: any ReadinessProbe

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in Self.ok }
        router.get("readyz") { request, context in await ready(request, context) }
    }

    static var ok: Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ok\n")))
    }

    func ready(_ request: Request, _ context: Context) async -> Response {
        let language = Language(acceptLanguage: request.headers[.acceptLanguage])
        switch await readiness.readiness() {
        case .ready:
            return Self.ok
        case .notMigrated:
            return Problem(
                type: "/problems/not-migrated",
                title: Messages.text("api.not_migrated", language),
                status: 503,
                detail: Messages.text("api.not_migrated_detail", language)
            ).response()
        case .unavailable(let reason):
            context.logger.warning("readiness check failed", metadata: ["error": "\(reason)"])
            return Problem(KalanError.unavailable, language: language).response(headers: KalanError.unavailable.headers)
        }
    }
}
