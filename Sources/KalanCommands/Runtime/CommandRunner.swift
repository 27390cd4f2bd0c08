import ArgumentParser
import EmbeddedPostgres
import Foundation
import KalanCore
import KalanStore
import Logging
import Postgres

/// What every data command shares: the database, the repository and the use cases, plus
/// one place that turns any failure into a one-line message and a non-zero exit.
struct CommandContext {
    let runtime: DatabaseRuntime
    let repository: PostgresRepository
    let actor: Actor
    let language: Language
    let logger: Logger
    /// "Now" for the use cases: the machine's clock.
    var clock: WallClock = .system

    var register: Register { Register(repository: repository) }
    var workflow: EnrolmentWorkflow { EnrolmentWorkflow(repository: repository, clock: clock) }
    var results: ResultsRecording { ResultsRecording(repository: repository) }
    var fr: Bool { language == .fr }

    /// Opens the database (migrating it), runs `body`, closes, and reports failures plainly.
    static func run(_ global: GlobalOptions, maxConnections: Int = 4, _ body: (CommandContext) async throws -> Void) async throws {
        let logger = global.bootstrapLogging()
        let language = global.language
        do {
            try await DatabaseRuntime.with(global, logger: logger, maxConnections: maxConnections) { runtime in
                try await Migrator(logger: logger).migrate(runtime.pool)
                let context = CommandContext(
                    runtime: runtime, repository: PostgresRepository(pool: runtime.pool), actor: .commandLine(), language: language, logger: logger)
                try await body(context)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data(("kalan: " + Self.message(for: error, in: language) + "\n").utf8))
            throw ExitCode(Self.exitCode(for: error))
        }
    }

    static func message(for error: any Error, in language: Language) -> String {
        switch error {
        case KalanError.storageFailure(let detail): return detail
        case let error as KalanError: return error.message(in: language)
        case let error as PostgresError where error.kind == .connection:
            return Messages.text("cli.unreachable", language, ["reason": error.reason ?? ""])
        case let error as PostgresError: return error.description
        case let error as MigrationError: return error.message(in: language)
        case let error as any CustomStringConvertible: return error.description
        default: return String(describing: error)
        }
    }

    /// 2 bad input, 3 not found, 4 conflict or rule, 5 database, 1 anything else.
    static func exitCode(for error: any Error) -> Int32 {
        switch error {
        case KalanError.invalid: 2
        case KalanError.notFound: 3
        case KalanError.duplicate, KalanError.rule, KalanError.stale, KalanError.forbidden, KalanError.unauthenticated, KalanError.tooManyAttempts,
            KalanError.attendanceChanged, KalanError.scoresChanged:
            4
        case KalanError.unavailable, is PostgresError, is EmbeddedPostgresError: 5
        case let failure as CommandFailure: failure.code
        default: 1
        }
    }

    func print(_ text: String) { Swift.print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }

    /// Prints a message of the catalogue (`cli.…`) in the operator's language.
    func say(_ key: String, _ values: [String: String] = [:]) { print(t(key, values)) }

    /// A message of the catalogue in the operator's language.
    func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
}

/// Options every listing command takes.
struct FormatOption: ParsableArguments {
    @Option(name: .customLong("format"), help: "table, json or csv.") var format: OutputFormat = .table
}

/// A refusal of the command itself (not of a use case), already worded for the operator.
public struct CommandFailure: Error, CustomStringConvertible {
    public let text: String
    /// The exit code (README's table): 1, or 4 for a refusal (another key, another address).
    public var code: Int32 = 1
    public var description: String { text }

    public init(text: String, code: Int32 = 1) { (self.text, self.code) = (text, code) }
}
