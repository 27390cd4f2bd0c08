import ArgumentParser
import Foundation
import Hummingbird
import KalanCertificates
import KalanCore
import KalanServer
import KalanStore
import Logging
import Postgres

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (API, pages, verification).")
    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on (env KALAN_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env KALAN_PORT; default 8080).") var port: Int?
    @Option(name: .customLong("public-url"), help: "URL used in QR codes and credentials (env KALAN_PUBLIC_URL).")
    var publicURL: String?
    @Option(name: .customLong("pool-size"), help: "Database connections (env KALAN_POOL_SIZE; default 10).")
    var poolSize: Int?
    @Option(name: .customLong("read-database-url"), help: "A hot standby for statistics (env KALAN_READ_DATABASE_URL).")
    var readDatabaseURL: String?
    @Flag(name: .customLong("rotate-signing-key"), help: "Make this server's signing key the database's key (the others must then get it too).")
    var rotateSigningKey = false

    func run() async throws {
        let settings = GlobalOptions.settings
        let logger = global.bootstrapLogging()
        guard let port = port ?? Int(settings.port ?? "8080"), (1...65535).contains(port) else {
            throw ValidationError("KALAN_PORT: expected a port number between 1 and 65535")
        }
        var configuration = ServerConfiguration(
            host: host ?? settings.host ?? "127.0.0.1", port: port,
            publicURL: publicURL ?? settings.publicURL, serialPrefix: global.serialPrefix)
        configuration.metricsToken = settings.metricsToken
        let size = poolSize ?? Int(settings.poolSize ?? "") ?? 10
        // A statement blocked on a lock, or running away, gives its connection back after this (KALAN_STATEMENT_TIMEOUT, seconds; 0: none).
        guard let statementTimeout = Int(settings.statementTimeout ?? "30"), statementTimeout >= 0 else {
            throw ValidationError("KALAN_STATEMENT_TIMEOUT: expected a number of seconds (0: no limit)")
        }
        let database = try await DatabaseRuntime.open(global, logger: logger, maxConnections: size, statementTimeoutSeconds: statementTimeout)
        do {
            try await Migrator(logger: logger).migrate(database.pool)
            let key = try IssuerKeyFile.loadOrCreate(global.signingKeyPath)
            switch try await SigningKeyInUse.claim(key.didKey, rotate: rotateSigningKey, on: database.pool) {
            case .same: break
            case .other(let keyID):
                throw CommandFailure(text: Messages.text("cli.serve.other_key", global.language, ["database": keyID, "mine": key.didKey, "path": global.signingKeyPath]))
            case .replaced(let previous):
                logger.notice("signing key rotated", metadata: ["previous": "\(previous)", "current": "\(key.didKey)"])
            }
            let issuer = OpenBadgeIssuer(key: key, publicURL: configuration.publicURL)
            let readURL = (readDatabaseURL ?? settings.readDatabaseURL).flatMap { $0.isEmpty ? nil : $0 }
            let readPool = readURL.map {
                PostgresPool(configuration: .init(url: $0, statementTimeoutSeconds: statementTimeout), maxConnections: size, logger: logger)
            }
            let app = buildApplication(configuration: configuration, pool: database.pool, readPool: readPool, issuer: issuer, logger: logger)
            logger.info("Kalan listening", metadata: ["url": "\(configuration.publicURL)"])
            // Written unbuffered: `make run` shows it through a pipe.
            let banner = Messages.text("cli.ready", global.language, ["url": configuration.publicURL])
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
