import Configuration
import Foundation
import KalanCore
import Logging

/// Every `KALAN_*` setting, read once from the environment through swift-configuration (keys
/// `kalan.data.dir` and so on: `EnvironmentVariablesProvider` maps them to `KALAN_DATA_DIR`), and
/// converted once to its type: a value it cannot take is left out and named in `problems`, and
/// commands refuse to start while one is left (`GlobalOptions.validate`, exit 64). Commands take
/// these values; their flags win over them. Nothing else reads `KALAN_*`.
public struct KalanSettings: Sendable {
    public var databaseURL: String?
    /// A hot standby for statistics (KALAN_READ_DATABASE_URL).
    public var readDatabaseURL: String?
    public var dataDirectory: String?
    public var language: Language?
    public var logLevel: Logger.Level?
    public var host: String?
    public var port: Int?
    public var publicURL: String?
    public var poolSize: Int?
    public var signingKey: String?
    public var serialPrefix: String?
    public var fixturesDirectory: String?
    public var password: String?
    /// The bearer token of `/metrics` (KALAN_METRICS_TOKEN).
    public var metricsToken: String?
    /// Where `initdb`, `pg_ctl` and `postgres` are, for the embedded server.
    public var postgresBinDirectory: String?
    /// Reverse proxies whose forwarding headers are believed (KALAN_TRUSTED_PROXIES).
    public var trustedProxies: [AddressRange]?
    /// The password in KALAN_DATABASE_PASSWORD_FILE (a container secret), read once: put into
    /// both database URLs, which then need none of their own.
    public var databasePassword: String?
    /// The server's `statement_timeout` in seconds (KALAN_STATEMENT_TIMEOUT; default 30, 0: none).
    public var statementTimeout: Int?
    /// The server's `lock_timeout` in seconds (KALAN_LOCK_TIMEOUT; default 10, 0: none).
    public var lockTimeout: Int?
    /// The mail relay for notices (KALAN_SMTP_URL): `smtp://user:pass@host:587?starttls=true&from=drh@example.ml`.
    public var smtpURL: String?
    /// The SMS gateway for notices (KALAN_SMS_URL): a Kannel `sendsms` URL with its username and password.
    public var smsURL: String?
    /// Seconds before a notice that did not go is tried again, doubled at each failure (KALAN_NOTICE_RETRY; default 30).
    public var noticeRetry: Int?
    /// Seconds from a notice's first try after which it is failed for good (KALAN_NOTICE_GIVE_UP; default 172800, two days).
    public var noticeGiveUp: Int?
    /// Seconds between two rounds of the server's notice sender (KALAN_NOTICE_INTERVAL; default 10).
    public var noticeInterval: Int?
    /// Who signs the convocations, name and title (KALAN_CONVOCATION_SIGNATORY; default: the catalogue's HR director).
    public var convocationSignatory: String?
    /// Every setting given a value it cannot take, as "KALAN_NAME: what is expected, got …", in
    /// the order of the README's table.
    public private(set) var problems: [String] = []

    public init(reader: ConfigReader) {
        func value(_ key: String) -> String? {
            reader.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 }
        }
        var problems: [String] = []
        /// The setting converted by `convert`, or nil and a problem naming it.
        func typed<T>(_ key: String, _ name: String, expected: String, _ convert: (String) -> T?) -> T? {
            guard let text = value(key) else { return nil }
            guard let converted = convert(text) else {
                problems.append("\(name): expected \(expected), got \(text.debugDescription)")
                return nil
            }
            return converted
        }
        databaseURL = value("kalan.database.url")
        readDatabaseURL = value("kalan.read.database.url")
        dataDirectory = value("kalan.data.dir")
        host = value("kalan.host")
        port = typed("kalan.port", "KALAN_PORT", expected: "a port number from 1 to 65535", Self.port)
        publicURL = typed("kalan.public.url", "KALAN_PUBLIC_URL", expected: "an address such as https://kalan.example.ml") {
            Self.publicURLProblem($0) == nil ? $0 : nil
        }
        poolSize = typed("kalan.pool.size", "KALAN_POOL_SIZE", expected: "a whole number from 1 to \(Self.maximumPoolSize)", Self.poolSize)
        statementTimeout = typed("kalan.statement.timeout", "KALAN_STATEMENT_TIMEOUT", expected: "a whole number of seconds, 0 for none", Self.seconds)
        lockTimeout = typed("kalan.lock.timeout", "KALAN_LOCK_TIMEOUT", expected: "a whole number of seconds, 0 for none", Self.seconds)
        language = typed("kalan.lang", "KALAN_LANG", expected: "fr or en", Language.init(code:))
        logLevel = typed(
            "kalan.log.level", "KALAN_LOG_LEVEL", expected: "trace, debug, info, notice, warning, error or critical", Logger.Level.init(rawValue:))
        databasePassword = typed(
            "kalan.database.password.file", "KALAN_DATABASE_PASSWORD_FILE", expected: "a readable file holding the password", Self.password(inFile:))
        if let text = value("kalan.trusted.proxies") {
            switch AddressRange.list(text) {
            case .success(let ranges): trustedProxies = ranges
            case .failure(let invalid):
                problems.append("KALAN_TRUSTED_PROXIES: expected addresses or ranges such as 127.0.0.1, 10.0.0.0/8, got \(invalid.entry.debugDescription)")
            }
        }
        smtpURL = reader.string(forKey: ConfigKey("kalan.smtp.url"), isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let url = smtpURL, !Self.isSMTPURL(url) {
            problems.append("KALAN_SMTP_URL: expected an address such as smtp://user:password@relay.example.ml:587?starttls=true&from=drh@example.ml")
            smtpURL = nil
        }
        smsURL = reader.string(forKey: ConfigKey("kalan.sms.url"), isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let url = smsURL, !Self.isHTTPURL(url) {
            problems.append("KALAN_SMS_URL: expected a sendsms address such as http://127.0.0.1:13013/cgi-bin/sendsms?username=kalan&password=secret")
            smsURL = nil
        }
        noticeRetry = typed("kalan.notice.retry", "KALAN_NOTICE_RETRY", expected: "a whole number of seconds from 1 to 86400") { Int($0).flatMap { (1...86_400).contains($0) ? $0 : nil } }
        noticeGiveUp = typed("kalan.notice.give.up", "KALAN_NOTICE_GIVE_UP", expected: "a whole number of seconds from 1 to 2592000") {
            Int($0).flatMap { (1...2_592_000).contains($0) ? $0 : nil }
        }
        noticeInterval = typed("kalan.notice.interval", "KALAN_NOTICE_INTERVAL", expected: "a whole number of seconds from 1 to 3600") {
            Int($0).flatMap { (1...3600).contains($0) ? $0 : nil }
        }
        convocationSignatory = value("kalan.convocation.signatory")
        signingKey = value("kalan.signing.key")
        serialPrefix = value("kalan.serial.prefix")
        fixturesDirectory = value("kalan.fixtures.dir")
        password = reader.string(forKey: ConfigKey("kalan.password"), isSecret: true)
        postgresBinDirectory = value("kalan.pg.bindir")
        metricsToken = reader.string(forKey: ConfigKey("kalan.metrics.token"), isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        self.problems = problems
    }

    public static let maximumPoolSize = 500

    /// The file's first line, without its line break; nil when unreadable or empty.
    public static func password(inFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty
        else { return nil }
        return String(line)
    }

    /// `url` with the password of KALAN_DATABASE_PASSWORD_FILE, when that is set.
    public func withPassword(_ url: String) -> String {
        guard let databasePassword, var parts = URLComponents(string: url) else { return url }
        parts.password = databasePassword
        return parts.string ?? url
    }

    /// A timeout in whole seconds, 0 (none) to a day: KALAN_STATEMENT_TIMEOUT and KALAN_LOCK_TIMEOUT.
    public static func seconds(_ text: String) -> Int? { Int(text).flatMap { (0...86_400).contains($0) ? $0 : nil } }

    public static func port(_ text: String) -> Int? { Int(text).flatMap { (1...65535).contains($0) ? $0 : nil } }

    public static func poolSize(_ text: String) -> Int? { Int(text).flatMap { (1...maximumPoolSize).contains($0) ? $0 : nil } }

    /// nil when `text` is an http(s) address with a host and no query or fragment.
    public static func publicURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else { return "invalid" }
        return nil
    }

    /// An smtp(s) URL with a host and a `from=` address (its password is never repeated in a problem).
    public static func isSMTPURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps", url.host?.isEmpty == false
        else { return false }
        return url.queryItems?.contains { $0.name == "from" && ($0.value ?? "").contains("@") } ?? false
    }

    public static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && url.host?.isEmpty == false
    }

    /// The process's settings, read from the environment on first use.
    public static let current = KalanSettings(reader: ConfigReader(provider: EnvironmentVariablesProvider()))
}
