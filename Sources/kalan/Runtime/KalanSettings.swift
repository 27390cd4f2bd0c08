import Configuration
import Foundation

/// Every `KALAN_*` setting, read once from the environment through swift-configuration (keys
/// `kalan.data.dir` and so on: `EnvironmentVariablesProvider` maps them to `KALAN_DATA_DIR`).
/// Commands take these values; their flags win over them. Nothing else reads `KALAN_*`.
struct KalanSettings: Sendable {
    var databaseURL: String?
    /// A hot standby for statistics (KALAN_READ_DATABASE_URL).
    var readDatabaseURL: String?
    var dataDirectory: String?
    var language: String?
    var logLevel: String?
    var host: String?
    var port: String?
    var publicURL: String?
    var poolSize: String?
    var signingKey: String?
    var serialPrefix: String?
    var fixturesDirectory: String?
    var password: String?
    /// The bearer token of `/metrics` (KALAN_METRICS_TOKEN).
    var metricsToken: String?
    /// Where `initdb`, `pg_ctl` and `postgres` are, for the embedded server.
    var postgresBinDirectory: String?
    /// The server's `statement_timeout` in seconds (KALAN_STATEMENT_TIMEOUT; default 30, 0: none).
    var statementTimeout: String?

    init(reader: ConfigReader) {
        func value(_ key: String) -> String? {
            reader.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 }
        }
        databaseURL = value("kalan.database.url")
        readDatabaseURL = value("kalan.read.database.url")
        dataDirectory = value("kalan.data.dir")
        language = value("kalan.lang")
        logLevel = value("kalan.log.level")
        host = value("kalan.host")
        port = value("kalan.port")
        publicURL = value("kalan.public.url")
        poolSize = value("kalan.pool.size")
        signingKey = value("kalan.signing.key")
        serialPrefix = value("kalan.serial.prefix")
        fixturesDirectory = value("kalan.fixtures.dir")
        password = reader.string(forKey: ConfigKey("kalan.password"), isSecret: true)
        postgresBinDirectory = value("kalan.pg.bindir")
        statementTimeout = value("kalan.statement.timeout")
        metricsToken = reader.string(forKey: ConfigKey("kalan.metrics.token"), isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The process's settings, read from the environment on first use.
    static let current = KalanSettings(reader: ConfigReader(provider: EnvironmentVariablesProvider()))
}
