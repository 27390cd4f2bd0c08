import EmbeddedPostgres
import Foundation

/// The `kalan` executable built beside the tests, run as a separate OS process.
public enum KalanProcess {
    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kalan")
    }

    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    /// Runs `kalan` with these arguments off Swift's cooperative threads; returns exit code and output.
    public static func run(_ arguments: [String]) async throws -> Subprocess.Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Subprocess.run(executable.path, arguments) })
            }
        }
    }
}
