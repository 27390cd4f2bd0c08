import Hummingbird
import KalanCertificates
import KalanCore
import KalanPasswords
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// What the server needs from the outside world, as KalanCore's ports: the composition root
/// (`PostgresComposition.swift`, or a test) chooses the implementations.
public struct ServerPorts: Sendable {
    public var repository: any KalanRepository
    /// Where statistics read: a hot standby when one is configured, else `repository`.
    public var readRepository: any KalanRepository
    public var idempotency: any IdempotencyStore
    public var readiness: any ReadinessProbe
    /// Connections of the database pool for `/metrics`; nil to leave them out.
    public var poolUsage: (any PoolUsageProbe)?
    /// Services that run with the server and stop after it (the database pool).
    public var services: [any Service]
    /// The notices' outbox for HR's pages, and the channels this server can send on; nil: no notice pages.
    public var notices: NoticeDesk?
    /// Wallet offers (issue 31); nil: no wallet routes.
    public var walletOffers: (any WalletOfferStore)?

    public init(
        repository: any KalanRepository, idempotency: any IdempotencyStore, readiness: any ReadinessProbe, poolUsage: (any PoolUsageProbe)? = nil,
        services: [any Service] = [], readRepository: (any KalanRepository)? = nil
    ) {
        self.repository = repository
        self.readRepository = readRepository ?? repository
        self.idempotency = idempotency
        self.readiness = readiness
        self.poolUsage = poolUsage
        self.services = services
    }
}

/// Wires the router, its middleware and the services into one application.
public func buildApplication(
    configuration: ServerConfiguration, ports: ServerPorts, issuer: OpenBadgeIssuer, logger: Logger
) -> some ApplicationProtocol {
    _ = KalanMetrics.registry
    let router = Router(context: KalanRequestContext.self)
    // Before all: a client that goes away cancels its request (and its database statement).
    router.add(middleware: CancelOnDisconnectMiddleware())
    // First: every later step sees the client and host a trusted proxy names.
    router.add(middleware: ForwardedHeadersMiddleware(trusted: configuration.trustedProxies))
    router.add(middleware: LiveRequestMetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: ClientAddressMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware())
    let repository = ports.repository
    HealthController(readiness: ports.readiness).addRoutes(to: router)
    let issuing = CertificateIssuing(
        repository: repository, issuer: issuer, serialPrefix: configuration.serialPrefix, publicURL: configuration.publicURL,
        clock: configuration.clock)
    KalanMetrics.addRoute(to: router, pool: ports.poolUsage, token: configuration.metricsToken)
    router.get("openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: .init(string: OpenAPIDocument.yaml)))
    }
    router.get("openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: OpenAPIDocument.json)))
    }
    let bodyLimit = BodyLimitMiddleware<KalanRequestContext>(baseDeadline: .seconds(configuration.bodyDeadlineSeconds))
    let accounts = Accounts(repository: repository, hasher: BcryptPasswordHasher(cost: configuration.bcryptCost), clock: configuration.clock)
    let secureCookies = configuration.publicURL.lowercased().hasPrefix("https:")
    // Pages: one router group whose errors become pages in the reader's language.
    let limiter = AddressRateLimiter(burst: configuration.verificationBurst, perMinute: configuration.verificationsPerMinute)
    // Counted before the body is read: a refused verification costs nothing.
    let apiRoutes = router.group().add(middleware: MalformedRequestMiddleware()).add(middleware: VerificationRateLimitMiddleware(limiter: limiter))
        .add(middleware: bodyLimit)
    let pages = router.group().add(middleware: PageAuthenticator(accounts: accounts)).add(middleware: PageErrorMiddleware()).add(middleware: VerificationRateLimitMiddleware(limiter: limiter))
        .add(middleware: bodyLimit)
    PageRoutes(
        accounts: accounts, repository: repository, readRepository: ports.readRepository, secureCookies: secureCookies, clock: configuration.clock
    ).add(to: pages)
    CertificatePages(accounts: accounts, repository: repository, issuing: issuing, clock: configuration.clock).add(to: pages)
    if let notices = ports.notices { NoticePages(desk: notices, repository: repository).add(to: pages) }
    StaffRoutes(repository: repository, secureCookies: secureCookies, signatory: ports.notices?.signatory, clock: configuration.clock).add(to: pages)
    TrainingRoomRoutes(repository: repository, publicURL: configuration.publicURL, clock: configuration.clock).add(to: pages)
    let verification = CredentialVerification(issuer: issuer, records: CredentialRecords(repository: repository), clock: configuration.clock)
    VerificationController<KalanRequestContext>(issuing: issuing, verification: verification).addRoutes(to: pages)
    let walletOffers = ports.walletOffers.map { WalletOffers(store: $0, signer: issuer, publicURL: configuration.publicURL, clock: configuration.clock) }
    if let walletOffers {
        WalletController<KalanRequestContext>(offers: walletOffers).addRoutes(to: router.group())
        WalletOfferPages(offers: walletOffers).add(to: pages)
        // The holder's own offer, behind the staff member's sign-in (issue 26).
        WalletOfferPages(offers: walletOffers).addStaff(
            to: pages.group("me").add(middleware: StaffAuthenticator(signIn: StaffSignIn(repository: repository, clock: configuration.clock)))
                .add(middleware: StaffPageErrorMiddleware()))
    }
    // The routes come from openapi.yaml: the server cannot drift from its contract.
    var api = KalanAPI(
        repository: repository, readRepository: ports.readRepository, issuing: issuing, verification: verification, accounts: accounts,
        secureCookies: secureCookies,
        clock: configuration.clock, notices: ports.notices)
    api.walletOffers = walletOffers
    do {
        try api.registerHandlers(
            on: apiRoutes, serverURL: try Servers.Server1.url(),
            // Compact JSON in the order of the schema: pretty printing and sorting the keys took
            // half the time of large answers (statistics by session: 5,000 groups).
            configuration: .init(jsonEncodingOptions: []),
            middlewares: [
                VerbatimHeadersMiddleware(),
                BearerAuthenticationMiddleware(accounts: accounts, staffSignIn: StaffSignIn(repository: repository, clock: configuration.clock)), NullRejectingMiddleware(),
                IdempotencyMiddleware(store: ports.idempotency), ProblemMiddleware(), DirectJSONMiddleware(),
            ])
    } catch {
        // Only a malformed server URL in openapi.yaml gets here: a build-time constant.
        preconditionFailure("openapi.yaml: \(error)")
    }
    // Last, so that it only sees addresses no route answers: a page in the reader's language.
    router.add(middleware: PageNotFoundMiddleware<KalanRequestContext>(accounts: accounts, routes: router.routes))
    // An idle connection, or one whose request head or body stops arriving, is closed after
    // `idleTimeout`: half-sent headers cannot hold connections open.
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [DisconnectWatcher()], idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Kalan"),
        logger: logger
    )
    app.addServices(ports.services)
    return app
}
