import Foundation
import KalanTestSupport
import Testing

/// Issue 22: settings are typed once at start; a value a setting cannot take stops `kalan` before
/// anything starts, with exit 64 and a message that names the setting or the flag.
@Suite("Settings checked at start")
struct StartupSettingsTests {
    /// `kalan ARGS` with these environment variables, through /usr/bin/env.
    static func kalan(_ environment: [String], _ arguments: [String]) async throws -> KalanProcess.Result {
        try await KalanProcess.run(program: "/usr/bin/env", environment + [KalanProcess.executable.path] + arguments)
    }

    @Test(arguments: [
        ("KALAN_POOL_SIZE=0", "KALAN_POOL_SIZE"), ("KALAN_POOL_SIZE=ten", "KALAN_POOL_SIZE"), ("KALAN_PORT=70000", "KALAN_PORT"),
        ("KALAN_STATEMENT_TIMEOUT=soon", "KALAN_STATEMENT_TIMEOUT"), ("KALAN_LOCK_TIMEOUT=-1", "KALAN_LOCK_TIMEOUT"),
        ("KALAN_LANG=de", "KALAN_LANG"), ("KALAN_LOG_LEVEL=loud", "KALAN_LOG_LEVEL"), ("KALAN_TRUSTED_PROXIES=nginx", "KALAN_TRUSTED_PROXIES"),
        ("KALAN_PUBLIC_URL=kalan.example.ml", "KALAN_PUBLIC_URL"), ("KALAN_DATABASE_PASSWORD_FILE=/nonexistent", "KALAN_DATABASE_PASSWORD_FILE"),
    ])
    func badEnvironmentSettingStopsEveryCommandNamingIt(setting: String, name: String) async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        for command in [["serve"], ["db", "migrate"]] {
            let result = try await Self.kalan([setting], command)
            #expect(result.code == 64, "\(setting) \(command): \(result.output)")
            #expect(result.output.contains("\(name): expected"), "\(result.output)")
        }
    }

    @Test(arguments: [
        (["--pool-size", "0"], "--pool-size"), (["--pool-size", "501"], "--pool-size"), (["--port", "0"], "--port"),
        (["--trusted-proxies", "nginx"], "--trusted-proxies"), (["--public-url", "ftp://kalan"], "--public-url"),
    ])
    func badServeFlagStopsTheServerNamingIt(flag: [String], name: String) async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let result = try await Self.kalan([], ["serve"] + flag)
        #expect(result.code == 64, "\(flag): \(result.output)")
        #expect(result.output.contains("\(name): expected"), "\(result.output)")
    }
}
