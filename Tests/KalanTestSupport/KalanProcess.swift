import Foundation
import Subprocess
import SystemPackage

/// The `kalan` executable built beside the tests, run as a separate OS process.
public enum KalanProcess {
    public struct Result: Sendable {
        public let code: Int32
        /// Standard output and standard error, merged.
        public let output: String
    }

    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kalan")
    }

    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    /// Runs `kalan` with these arguments through swift-subprocess (its wait suspends, it does not
    /// block a thread); returns the exit code and the output.
    public static func run(_ arguments: [String]) async throws -> Result {
        try await run(program: executable.path, arguments)
    }

    /// Runs any program to completion (an absolute path): exit code and merged output.
    public static func run(program: String, _ arguments: [String]) async throws -> Result {
        let result = try await Subprocess.run(
            .path(FilePath(program)), arguments: Arguments(arguments), input: .none, output: .string(limit: 16 << 20),
            error: .combinedWithOutput)
        let code: Int32 =
            switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        return Result(code: code, output: result.standardOutput)
    }
}
