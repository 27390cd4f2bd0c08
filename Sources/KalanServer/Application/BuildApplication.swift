import Hummingbird
import KalanStore
import Logging
import Postgres

/// Wires the router, its middleware and the services (the database pool) into one application.
public func buildApplication(
    configuration: ServerConfiguration, pool: PostgresPool, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(pool: pool, migrator: Migrator(logger: logger)).addRoutes(to: router)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Kalan"),
        logger: logger
    )
    app.addServices(pool)
    return app
}
