import Foundation
import KalanTestSupport
import Testing

/// Issue 28, "one key, one address": a command that signs uses the key and the public address the
/// database records, never a key it makes up or the loopback address by accident; a setting that
/// cannot be read stops the command, named. Before: `certificate issue` created a key in the data
/// folder and signed for http://127.0.0.1:8080 whatever the database had seen.
@Suite("Commands that sign: the database's key and address, or a refusal")
struct IssuerIdentityTests {
    /// `kalan ARGS` with these environment variables, through /usr/bin/env.
    static func kalan(_ environment: [String: String], _ arguments: [String]) async throws -> KalanProcess.Result {
        try await KalanProcess.run(
            program: "/usr/bin/env", environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [KalanProcess.executable.path] + arguments)
    }

    @Test func aCommandThatSignsUsesTheRecordedKeyAndAddressOrRefuses() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-issuer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["--database-url", url, "--data-dir", folder.path, "--lang", "en", "--log-level", "error"]
        let issue = ["certificate", "issue", "--session", "S-NONE"] + common
        let key = folder.appendingPathComponent("signing-key.json").path

        let noKey = try await Self.kalan([:], issue)
        #expect(noKey.code == 4 && noKey.output.contains("No signing key at \(key)"), "\(noKey.output)")
        #expect(!FileManager.default.fileExists(atPath: key), "a command that signs never creates a key")

        let generated = try await Self.kalan([:], ["keys", "generate", "--out", key])
        #expect(generated.code == 0)
        let noAddress = try await Self.kalan([:], issue)
        #expect(noAddress.code == 4 && noAddress.output.contains("records no public address"), "\(noAddress.output)")

        // Given once: recorded with the key; the command then goes on (the session does not exist: 3).
        let first = try await Self.kalan(["KALAN_PUBLIC_URL": "https://kalan.example.ml/"], issue)
        #expect(first.code == 3, "\(first.output)")
        let status = try await Self.kalan([:], ["db", "status"] + common)
        #expect(status.output.contains("Public address: https://kalan.example.ml\n"), "\(status.output)")
        #expect(status.output.contains("the one the database records"), "\(status.output)")
        #expect(try await Self.kalan([:], issue).code == 3, "with nothing given, the recorded address")

        let otherAddress = try await Self.kalan(["KALAN_PUBLIC_URL": "https://elsewhere.example.ml"], issue)
        #expect(otherAddress.code == 4 && otherAddress.output.contains("https://elsewhere.example.ml"), "\(otherAddress.output)")

        let otherKey = folder.appendingPathComponent("other-key.json").path
        #expect(try await Self.kalan([:], ["keys", "generate", "--out", otherKey]).code == 0)
        let refused = try await Self.kalan(["KALAN_SIGNING_KEY": otherKey], issue)
        #expect(refused.code == 4 && refused.output.contains("must have the same key"), "\(refused.output)")

        let demo = try await Self.kalan([:], ["db", "seed", "--demo"] + common)
        #expect(demo.code == 4 && demo.output.contains("published passwords"), "no demo data on a database that serves an address: \(demo.output)")
    }

    @Test func anUnreadableSettingStopsEveryCommandNamingIt() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        for (name, value) in [
            ("KALAN_POOL_SIZE", "ten"), ("KALAN_LOG_LEVEL", "loud"), ("KALAN_LANG", "bm"), ("KALAN_PORT", "80800"),
            ("KALAN_PUBLIC_URL", "kalan.example.ml"), ("KALAN_TRUSTED_PROXIES", "nginx"),
        ] {
            let result = try await Self.kalan([name: value], ["db", "status", "--data-dir", "/nonexistent/kalan"])
            #expect(result.code == 64 && result.output.contains("\(name):") && result.output.contains("\"\(value)\""), "\(name)=\(value): \(result.output)")
        }
    }
}
