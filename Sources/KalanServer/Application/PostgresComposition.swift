import Hummingbird
import KalanCertificates
import KalanStore
import Logging
import Postgres

// The composition root: the one file of KalanServer that knows the driver. It plugs KalanStore's
// PostgreSQL implementations into the server's ports.

extension ServerPorts {
    /// Every port on one PostgreSQL pool; the pool runs (and closes) with the server.
    public static func postgres(_ pool: PostgresPool, logger: Logger = Logger(label: "kalan.migrations")) -> ServerPorts {
        ServerPorts(
            repository: PostgresRepository(pool: pool), idempotency: PostgresIdempotencyStore(pool: pool),
            readiness: PostgresReadinessProbe(pool: pool, migrator: Migrator(logger: logger)), poolUsage: PostgresPoolUsageProbe(pool: pool),
            services: [pool])
    }
}

/// The server on a PostgreSQL pool.
public func buildApplication(
    configuration: ServerConfiguration, pool: PostgresPool, issuer: OpenBadgeIssuer, logger: Logger
) -> some ApplicationProtocol {
    buildApplication(configuration: configuration, ports: .postgres(pool, logger: logger), issuer: issuer, logger: logger)
}
