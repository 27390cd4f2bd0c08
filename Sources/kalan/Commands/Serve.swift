import ArgumentParser
import Foundation
import Hummingbird
import KalanCertificates
import KalanCommands
import KalanConfiguration
import KalanCore
import KalanNotices
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
    @Option(
        name: .customLong("trusted-proxies"),
        help: "Reverse proxies whose Forwarded/X-Forwarded-* headers are believed: addresses or ranges, comma-separated (env KALAN_TRUSTED_PROXIES).")
    var trustedProxies: String?
    @Flag(name: .customLong("change-public-url"), help: "Make --public-url the database's public address, replacing the one it records.")
    var changePublicURL = false
    @Flag(name: .customLong("rotate-signing-key"), help: "Make this server's signing key the database's key (the others must then get it too).")
    var rotateSigningKey = false
    @Flag(
        name: .customLong("allow-loopback-url"),
        help: "Sign for this machine's own address when no public address is given (a trial; env KALAN_ALLOW_LOOPBACK_URL=1). Demo data needs no flag.")
    var allowLoopbackURL = false

    /// The flags, checked before anything starts, as `global` checks the environment's settings:
    /// a bad value stops the command with exit 64 and names the flag.
    func validate() throws {
        if let port, KalanSettings.port(String(port)) == nil { throw ValidationError("--port: expected a port number from 1 to 65535, got \(port)") }
        if let publicURL, KalanSettings.publicURLProblem(publicURL) != nil {
            throw ValidationError("--public-url: expected an address such as https://kalan.example.ml, got \(publicURL.debugDescription)")
        }
        if let poolSize, KalanSettings.poolSize(String(poolSize)) == nil {
            throw ValidationError("--pool-size: expected a whole number from 1 to \(KalanSettings.maximumPoolSize), got \(poolSize)")
        }
        if let trustedProxies, case .failure(let invalid) = AddressRange.list(trustedProxies) {
            throw ValidationError("--trusted-proxies: expected addresses or ranges such as 127.0.0.1, 10.0.0.0/8, got \(invalid.entry.debugDescription)")
        }
    }

    func run() async throws {
        let settings = GlobalOptions.settings
        let logger = global.bootstrapLogging()
        // Every page template parsed now: one that does not parse stops the start, named.
        try PageTemplates.load()
        var configuration = ServerConfiguration(
            host: host ?? settings.host ?? "127.0.0.1", port: port ?? settings.port ?? 8080, serialPrefix: global.serialPrefix)
        configuration.metricsToken = settings.metricsToken
        let flagged = trustedProxies.flatMap { try? AddressRange.list($0).get() }
        configuration.trustedProxies = flagged ?? settings.trustedProxies ?? []
        let size = poolSize ?? settings.poolSize ?? 10
        // A statement blocked on a lock, or running away, gives its connection back after this (KALAN_STATEMENT_TIMEOUT, seconds; 0: none).
        let statementTimeout = settings.statementTimeout ?? 30
        // A statement waiting for a lock gives up sooner (KALAN_LOCK_TIMEOUT, seconds; 0: none): answered 503 "try again".
        let lockTimeout = settings.lockTimeout ?? 10
        let database = try await DatabaseRuntime.open(
            global, logger: logger, maxConnections: size, statementTimeoutSeconds: statementTimeout, lockTimeoutSeconds: lockTimeout)
        do {
            try await Migrator(logger: logger).migrate(database.pool)
            let key = try IssuerKeyFile.loadOrCreate(global.signingKeyPath)
            switch try await SigningKeyInUse.claim(key.didKey, rotate: rotateSigningKey, on: database.pool) {
            case .same: break
            case .other(let keyID):
                throw CommandFailure(text: Messages.text("cli.serve.other_key", global.language, ["database": keyID, "mine": key.didKey, "path": global.signingKeyPath]), code: 4)
            case .replaced(let previous):
                logger.notice("signing key rotated", metadata: ["previous": "\(previous)", "current": "\(key.didKey)"])
            }
            // One address: the one given is recorded the first time (or replaced when asked); with
            // none given, the recorded one, else this server's own address (not recorded).
            let given = (publicURL ?? settings.publicURL).map(CommandIssuer.normalisedPublicURL)
            let recorded = try await SigningKeyInUse.record(on: database.pool).publicURL
            if let given {
                if let recorded, recorded != given, !changePublicURL {
                    throw CommandFailure(text: Messages.text("cli.serve.other_url", global.language, ["database": recorded, "mine": given]), code: 4)
                }
                try await SigningKeyInUse.recordPublicURL(given, replace: changePublicURL, on: database.pool)
                configuration.publicURL = given
            } else if let recorded {
                configuration.publicURL = recorded
            } else if !allowLoopbackURL, ProcessInfo.processInfo.environment["KALAN_ALLOW_LOOPBACK_URL"] != "1",
                !(try await SigningKeyInUse.record(on: database.pool).demo)
            {
                // Certificates carry the address for ever: the loopback one only for demo data or when asked.
                throw CommandFailure(text: Messages.text("cli.serve.loopback_url", global.language, ["url": configuration.publicURL]), code: 4)
            }
            let issuer = OpenBadgeIssuer(key: key, publicURL: configuration.publicURL)
            let readURL = (readDatabaseURL ?? settings.readDatabaseURL).flatMap { $0.isEmpty ? nil : settings.withPassword($0) }
            let readPool = readURL.map {
                PostgresPool(
                    configuration: .init(url: $0, statementTimeoutSeconds: statementTimeout, lockTimeoutSeconds: lockTimeout), maxConnections: size,
                    logger: logger)
            }
            var ports = ServerPorts.postgres(database.pool, readPool: readPool, logger: logger)
            // Notices: the sender runs with the server's services; HR's pages say which channels can send.
            let senders = try await NoticeSetup.senders(pool: database.pool, publicURL: configuration.publicURL)
            let outbox = PostgresNoticeOutbox(pool: database.pool)
            ports.notices = NoticeDesk(outbox: outbox, channels: senders.channels, clock: configuration.clock, signatory: senders.signatory)
            let dispatcher = NoticeDispatcher(outbox: outbox, senders: senders, policy: NoticeSetup.policy(), clock: configuration.clock, logger: logger)
            ports.services.append(NoticeService(dispatcher: dispatcher, interval: .seconds(settings.noticeInterval ?? 10), logger: logger))
            // Offers released on their day (issue 27), at start and every 10 minutes.
            ports.services.append(CooperationService(repository: ports.repository, clock: configuration.clock, logger: logger))
            let app = buildApplication(configuration: configuration, ports: ports, issuer: issuer, logger: logger)
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
