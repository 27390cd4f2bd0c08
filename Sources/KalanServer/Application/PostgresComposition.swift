import Hummingbird
import KalanCertificates
import KalanStore
import Logging
import Postgres

// The composition root: the one file of KalanServer that knows the driver. It plugs KalanStore's
// PostgreSQL implementations into the server's ports.

extension ServerPorts {
    /// Every port on one PostgreSQL pool (the primary); statistics on `readPool` (a hot standby)
    /// when given. The pools run (and close) with the server.
    public static func postgres(_ pool: PostgresPool, readPool: PostgresPool? = nil, logger: Logger = Logger(label: "kalan.migrations")) -> ServerPorts {
        ServerPorts(
            repository: PostgresRepository(pool: pool, cohortIndex: CohortIndex()), idempotency: PostgresIdempotencyStore(pool: pool),
            readiness: PostgresReadinessProbe(pool: pool, migrator: Migrator(logger: logger)), poolUsage: PostgresPoolUsageProbe(pool: pool),
            services: [pool] + (readPool.map { [$0] } ?? []), readRepository: readPool.map { PostgresRepository(pool: $0, cohortIndex: CohortIndex()) })
    }
}

/// The server on a PostgreSQL pool.
public func buildApplication(
    configuration: ServerConfiguration, pool: PostgresPool, readPool: PostgresPool? = nil, issuer: OpenBadgeIssuer, logger: Logger
) -> some ApplicationProtocol {
    buildApplication(configuration: configuration, ports: .postgres(pool, readPool: readPool, logger: logger), issuer: issuer, logger: logger)
}
