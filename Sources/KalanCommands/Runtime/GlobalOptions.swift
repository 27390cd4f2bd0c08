import ArgumentParser
import Foundation
import KalanConfiguration
import KalanCore
import Logging

/// Options every command takes; each falls back to its environment variable, then its default.
public struct GlobalOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env KALAN_DATABASE_URL; unset: embedded server).")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Embedded server's data and signing key (env KALAN_DATA_DIR; default .kalan/).")
    var dataDir: String?

    @Option(name: .customLong("lang"), help: "Language of messages: fr or en (env KALAN_LANG; default fr).")
    var lang: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env KALAN_LOG_LEVEL; default info).")
    var logLevel: String?

    /// The environment's settings, read and typed once (see `KalanSettings`).
    public static var settings: KalanSettings { .current }

    /// `--database-url`, else KALAN_DATABASE_URL — unless `--data-dir` is given on the command line:
    /// a flag wins over the environment, so `kalan db restore FILE --data-dir /tmp/restore-test` (the
    /// restore drill) restores into that scratch folder even where KALAN_DATABASE_URL names production.
    var resolvedDatabaseURL: String? {
        let url = databaseURL ?? (dataDir == nil ? Self.settings.databaseURL : nil)
        return url.flatMap { $0.isEmpty ? nil : Self.settings.withPassword($0) }
    }

    var resolvedDataDirectory: URL {
        let path = dataDir ?? Self.settings.dataDirectory ?? ".kalan"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    public var language: Language {
        lang.flatMap(Language.init(code:)) ?? Self.settings.language ?? .fr
    }

    public func validate() throws {
        if let problem = Self.settings.problems.first { throw ValidationError(problem) }
        if let lang, Language(code: lang) == nil {
            throw ValidationError("--lang: expected fr or en, got \(lang.debugDescription)")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical")
        }
    }

    /// Sets up swift-log once: key=value lines on standard error.
    public func bootstrapLogging() -> Logger {
        let level = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? Self.settings.logLevel ?? .info
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "kalan")
        logger.logLevel = level
        return logger
    }
}
