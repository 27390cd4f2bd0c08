import ArgumentParser
import Foundation
import Hummingbird
import KalanCertificates
import KalanCore
import KalanServer
import KalanStore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (API, pages, verification).")
    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on (env KALAN_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env KALAN_PORT; default 8080).") var port: Int?
    @Option(name: .customLong("public-url"), help: "URL used in QR codes and credentials (env KALAN_PUBLIC_URL).")
    var publicURL: String?
    @Option(name: .customLong("pool-size"), help: "Database connections (env KALAN_POOL_SIZE; default 10).")
    var poolSize: Int?

    func run() async throws {
        let settings = GlobalOptions.settings
        let logger = global.bootstrapLogging()
        guard let port = port ?? Int(settings.port ?? "8080"), (1...65535).contains(port) else {
            throw ValidationError("KALAN_PORT: expected a port number between 1 and 65535")
        }
        let configuration = ServerConfiguration(
            host: host ?? settings.host ?? "127.0.0.1", port: port,
            publicURL: publicURL ?? settings.publicURL, serialPrefix: global.serialPrefix)
        let size = poolSize ?? Int(settings.poolSize ?? "") ?? 10
        let database = try await DatabaseRuntime.open(global, logger: logger, maxConnections: size)
        do {
            try await Migrator(logger: logger).migrate(database.pool)
            let issuer = OpenBadgeIssuer(key: try IssuerKeyFile.loadOrCreate(global.signingKeyPath), publicURL: configuration.publicURL)
            let app = buildApplication(configuration: configuration, pool: database.pool, issuer: issuer, logger: logger)
            logger.info("Kalan listening", metadata: ["url": "\(configuration.publicURL)"])
            // Written unbuffered: `make run` shows it through a pipe.
            let banner =
                global.language == .fr
                ? "Kalan est prêt : ouvrez \(configuration.publicURL)/ pour vous connecter, \(configuration.publicURL)/verify pour vérifier un certificat (Ctrl-C pour arrêter).\n"
                : "Kalan is ready: open \(configuration.publicURL)/ to log in, \(configuration.publicURL)/verify to check a certificate (Ctrl-C to stop).\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
