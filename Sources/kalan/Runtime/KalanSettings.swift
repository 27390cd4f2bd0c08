import Configuration
import Foundation
import KalanCore
import KalanServer
import Logging

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
    /// Reverse proxies whose forwarding headers are believed (KALAN_TRUSTED_PROXIES).
    var trustedProxies: String?
    /// A file holding the database password (KALAN_DATABASE_PASSWORD_FILE, a container secret):
    /// put into both database URLs, which then need none of their own.
    var databasePasswordFile: String?
    /// The server's `statement_timeout` in seconds (KALAN_STATEMENT_TIMEOUT; default 30, 0: none).
    var statementTimeout: String?
    /// The server's `lock_timeout` in seconds (KALAN_LOCK_TIMEOUT; default 10, 0: none).
    var lockTimeout: String?

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
        trustedProxies = value("kalan.trusted.proxies")
        databasePasswordFile = value("kalan.database.password.file")
        statementTimeout = value("kalan.statement.timeout")
        lockTimeout = value("kalan.lock.timeout")
        metricsToken = reader.string(forKey: ConfigKey("kalan.metrics.token"), isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every setting given a value it cannot take, as "KALAN_NAME: what is expected, got …", in the
    /// order of the README's table. Commands refuse to start while one is left (`GlobalOptions`).
    var problems: [String] {
        var found: [String] = []
        func got(_ value: String) -> String { value.debugDescription }
        if let port, !Self.isPort(port) { found.append("KALAN_PORT: expected a port number from 1 to 65535, got \(got(port))") }
        if let publicURL, Self.publicURLProblem(publicURL) != nil {
            found.append("KALAN_PUBLIC_URL: expected an address such as https://kalan.example.ml, got \(got(publicURL))")
        }
        if let poolSize, Self.poolSize(poolSize) == nil {
            found.append("KALAN_POOL_SIZE: expected a whole number from 1 to \(Self.maximumPoolSize), got \(got(poolSize))")
        }
        if let statementTimeout, Self.statementTimeout(statementTimeout) == nil {
            found.append("KALAN_STATEMENT_TIMEOUT: expected a whole number of seconds, 0 for none, got \(got(statementTimeout))")
        }
        if let lockTimeout, Self.statementTimeout(lockTimeout) == nil {
            found.append("KALAN_LOCK_TIMEOUT: expected a whole number of seconds, 0 for none, got \(got(lockTimeout))")
        }
        if let language, Language(code: language) == nil { found.append("KALAN_LANG: expected fr or en, got \(got(language))") }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            found.append("KALAN_LOG_LEVEL: expected trace, debug, info, notice, warning, error or critical, got \(got(logLevel))")
        }
        if let databasePasswordFile, Self.password(inFile: databasePasswordFile) == nil {
            found.append("KALAN_DATABASE_PASSWORD_FILE: expected a readable file holding the password, got \(got(databasePasswordFile))")
        }
        if let trustedProxies, case .failure(let invalid) = AddressRange.list(trustedProxies) {
            found.append("KALAN_TRUSTED_PROXIES: expected addresses or ranges such as 127.0.0.1, 10.0.0.0/8, got \(got(invalid.entry))")
        }
        return found
    }

    static let maximumPoolSize = 500

    /// The file's first line, without its line break; nil when unreadable or empty.
    static func password(inFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty
        else { return nil }
        return String(line)
    }

    /// `url` with the password of KALAN_DATABASE_PASSWORD_FILE, when that is set.
    func withPassword(_ url: String) -> String {
        guard let databasePasswordFile, let password = Self.password(inFile: databasePasswordFile), var parts = URLComponents(string: url) else {
            return url
        }
        parts.password = password
        return parts.string ?? url
    }

    /// A timeout in whole seconds, 0 (none) to a day: KALAN_STATEMENT_TIMEOUT and KALAN_LOCK_TIMEOUT.
    static func statementTimeout(_ text: String) -> Int? { Int(text).flatMap { (0...86_400).contains($0) ? $0 : nil } }

    static func isPort(_ text: String) -> Bool { Int(text).map { (1...65535).contains($0) } ?? false }

    static func poolSize(_ text: String) -> Int? { Int(text).flatMap { (1...maximumPoolSize).contains($0) ? $0 : nil } }

    /// nil when `text` is an http(s) address with a host and no query or fragment.
    static func publicURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else { return "invalid" }
        return nil
    }

    /// The process's settings, read from the environment on first use.
    static let current = KalanSettings(reader: ConfigReader(provider: EnvironmentVariablesProvider()))
}
