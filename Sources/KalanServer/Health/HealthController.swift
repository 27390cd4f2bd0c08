import Hummingbird
import KalanCore
import KalanStore
import Logging
import Postgres

/// `/healthz`: the process answers. `/readyz`: the database is reachable and fully migrated.
struct HealthController<Context: RequestContext>: Sendable {
    let pool: PostgresPool
    let migrator: Migrator

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in Self.ok }
        router.get("readyz") { request, context in try await ready(request, context) }
    }

    static var ok: Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ok\n")))
    }

    func ready(_ request: Request, _ context: Context) async throws -> Response {
        let language = Language(acceptLanguage: request.headers[.acceptLanguage])
        do {
            if try await migrator.isUpToDate(pool) { return Self.ok }
            return Problem(
                type: "/problems/not-migrated",
                title: language == .fr ? "Base de données non migrée" : "Database not migrated",
                status: 503,
                detail: language == .fr
                    ? "Des migrations sont en attente : lancez « kalan db migrate »."
                    : "Migrations are pending: run `kalan db migrate`."
            ).response()
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
            return Problem(
                type: "/problems/database-unavailable",
                title: language == .fr ? "Base de données injoignable" : "Database unreachable",
                status: 503
            ).response(headers: [.retryAfter: "5"])
        }
    }
}
