import Hummingbird
import OpenAPIHummingbird
import KalanCertificates
import KalanCore
import KalanStore
import Logging
import Postgres

/// Wires the router, its middleware and the services (the database pool) into one application.
public func buildApplication(
    configuration: ServerConfiguration, pool: PostgresPool, issuer: OpenBadgeIssuer, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: KalanRequestContext.self)
    let metrics = RequestMetrics()
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ClientAddressMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware())
    let repository = PostgresRepository(pool: pool)
    HealthController(pool: pool, migrator: Migrator(logger: logger)).addRoutes(to: router)
    let issuing = CertificateIssuing(
        repository: repository, issuer: issuer, serialPrefix: configuration.serialPrefix, publicURL: configuration.publicURL)
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: .init(string: metrics.render(pool: await pool.usage()))))
    }
    router.get("openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: .init(string: OpenAPIDocument.yaml)))
    }
    router.get("openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: OpenAPIDocument.json)))
    }
    let apiRoutes = router.group().add(middleware: MalformedRequestMiddleware())
    let accounts = Accounts(repository: repository, hasher: BcryptPasswordHasher(cost: configuration.bcryptCost))
    let secureCookies = configuration.publicURL.lowercased().hasPrefix("https:")
    let pages = router.group().add(middleware: PageErrorMiddleware(accounts: accounts))
    PageRoutes(accounts: accounts, repository: repository, secureCookies: secureCookies).add(to: pages)
    VerificationController<KalanRequestContext>(issuing: issuing, issuer: issuer, repository: repository, accounts: accounts).addRoutes(to: pages)
    // The routes come from openapi.yaml: the server cannot drift from its contract.
    let api = KalanAPI(repository: repository, issuing: issuing, accounts: accounts, secureCookies: secureCookies)
    try! api.registerHandlers(
        on: apiRoutes, serverURL: try! Servers.Server1.url(),
        middlewares: [
            VerbatimHeadersMiddleware(), BearerAuthenticationMiddleware(accounts: accounts), NullRejectingMiddleware(), IdempotencyMiddleware(store: IdempotencyStore(pool: pool)),
        ])
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: ResponseCompression.handlers())),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Kalan"),
        logger: logger
    )
    app.addServices(pool)
    return app
}
