import Hummingbird
import KalanCertificates
import KalanCore
import KalanStore
import Logging
import Postgres
import ServiceLifecycle

// The composition root: the one file of KalanServer that knows the driver. It plugs KalanStore's
// PostgreSQL implementations into the server's ports.

extension ServerPorts {
    /// Every port on one PostgreSQL pool (the primary); statistics on `readPool` (a hot standby)
    /// when given. The pools run (and close) with the server.
    public static func postgres(_ pool: PostgresPool, readPool: PostgresPool? = nil, logger: Logger = Logger(label: "kalan.migrations")) -> ServerPorts {
        let repository = PostgresRepository(pool: pool, cohortIndex: CohortIndex())
        let statistics = readPool.map { PostgresRepository(pool: $0, cohortIndex: CohortIndex()) } ?? repository
        var ports = ServerPorts(
            repository: repository, idempotency: PostgresIdempotencyStore(pool: pool),
            readiness: PostgresReadinessProbe(pool: pool, migrator: Migrator(logger: logger)), poolUsage: PostgresPoolUsageProbe(pool: pool),
            services: [pool] + (readPool.map { [$0] } ?? []) + [CohortIndexWarmUp(repository: statistics, logger: logger)], readRepository: statistics)
        // No sender here: `kalan serve` adds the channels it is configured for, and the sender.
        ports.notices = NoticeDesk(outbox: PostgresNoticeOutbox(pool: pool), channels: [])
        ports.walletOffers = PostgresWalletOffers(pool: pool)
        return ports
    }
}

/// The server on a PostgreSQL pool.
public func buildApplication(
    configuration: ServerConfiguration, pool: PostgresPool, readPool: PostgresPool? = nil, issuer: OpenBadgeIssuer, logger: Logger
) -> some ApplicationProtocol {
    buildApplication(configuration: configuration, ports: .postgres(pool, readPool: readPool, logger: logger), issuer: issuer, logger: logger)
}

/// Loads the statistics index while the server starts, so that the first report is as quick as the
/// next ones. A failure (the database not there yet) only leaves the loading to the first report.
struct CohortIndexWarmUp: Service {
    let repository: PostgresRepository
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        do {
            try await repository.refreshCohortIndex()
            logger.debug("statistics index loaded", metadata: ["seconds": "\(ContinuousClock.now - started)"])
        } catch {
            logger.notice("statistics index not loaded at start; the first report loads it")
        }
        try? await gracefulShutdown()
    }
}
