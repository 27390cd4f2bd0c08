import EmbeddedPostgres
import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("EmbeddedPostgres: a private server that keeps its data", .serialized)
struct EmbeddedPostgresTests {
    func withServer(_ body: (EmbeddedPostgres) async throws -> Void) async throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-embedded-\(UUID().uuidString.prefix(8))")
        let server = EmbeddedPostgres(dataDirectory: folder, options: .init(durable: false))
        do {
            try await body(server)
        } catch {
            try? await server.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        try? await server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Issue 28: an existing cluster runs with its own major version. Before, the newest
    /// PostgreSQL installed was picked, which cannot start an older cluster: a machine upgrade
    /// that installed PostgreSQL 16 beside 15 stopped Kalan.
    @Test func anExistingClusterRunsWithItsOwnMajorVersion() async throws {
        try await withServer { server in
            #expect(try await server.start())
            let version = try #require(server.clusterVersion)
            let binaries = try await EmbeddedPostgres.binaries(version: version)
            #expect(binaries.path == "/usr/lib/postgresql/\(version)/bin")
            try await server.stop()
            // A cluster made by a version that is not installed: a refusal that names it and pg_upgrade.
            try "99\n".write(to: server.clusterDirectory.appendingPathComponent("PG_VERSION"), atomically: true, encoding: .utf8)
            #expect(server.clusterVersion == "99")
            do {
                try await server.start()
                Issue.record("a cluster of PostgreSQL 99 cannot start with another version")
            } catch {
                #expect("\(error)".contains("PostgreSQL 99") && "\(error)".contains("pg_upgrade"), "\(error)")
            }
            try version.write(to: server.clusterDirectory.appendingPathComponent("PG_VERSION"), atomically: true, encoding: .utf8)
        }
    }

    @Test func secondStartOnSameFolderReusesTheData() async throws {
        try await withServer { server in
            #expect(try await server.start())
            try await server.createDatabase("kalan")
            let pool = PostgresPool(configuration: .init(url: server.url(database: "kalan")), maxConnections: 1)
            try await pool.query("CREATE TABLE kept (name text)")
            try await pool.query("INSERT INTO kept VALUES (\("Maïga"))")
            await pool.close()
            try await server.stop()
            #expect(try await server.isRunning() == false)

            #expect(try await server.start())
            let again = PostgresPool(configuration: .init(url: server.url(database: "kalan")), maxConnections: 1)
            let name = try await again.query("SELECT name FROM kept").first?.decode("name", as: String.self)
            #expect(name == "Maïga")
            await again.close()
        }
    }

    /// Two commands on one stopped folder: both get the server, the first out leaves it running
    /// for the other, the last out stops it.
    @Test func commandsShareTheServerAndTheLastOneOutStopsIt() async throws {
        try await withServer { server in
            async let a = server.lease()
            async let b = server.lease()
            let (first, second) = try await (a, b)
            #expect(try await server.isRunning())
            try await first.release()
            #expect(try await server.isRunning(), "the other command still uses it")
            try await second.release()
            #expect(try await server.isRunning() == false)
        }
    }

    @Test func aServerStartedByHandIsLeftRunning() async throws {
        try await withServer { server in
            try await server.start()
            let lease = try await server.lease()
            try await lease.release()
            #expect(try await server.isRunning())
        }
    }

    /// The same with two `kalan` processes started at the same moment (it failed 3 times in 3
    /// before the lock: "pg_ctl: could not start server").
    @Test func twoKalanCommandsStartedTogetherBothSucceed() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        try await withServer { server in
            for _ in 0..<3 {
                async let a = KalanProcess.run(["db", "migrate", "--data-dir", server.dataDirectory.path])
                async let b = KalanProcess.run(["db", "status", "--data-dir", server.dataDirectory.path])
                let (first, second) = try await (a, b)
                #expect(first.code == 0, "\(first.output)")
                #expect(second.code == 0, "\(second.output)")
                #expect(try await server.isRunning() == false, "the last command out stopped the server")
            }
        }
    }

    @Test func startWhileRunningReusesTheRunningServer() async throws {
        try await withServer { server in
            let first = try await server.start()
            let second = try await server.start()
            let running = try await server.isRunning()
            #expect(first)
            #expect(second == false)
            #expect(running)
        }
    }

    @Test func poolRecoversAfterServerRestart() async throws {
        try await withServer { server in
            try await server.start()
            let pool = PostgresPool(configuration: .init(url: server.url()), maxConnections: 2)
            #expect(try await pool.query("SELECT 1 AS one").first?.decode("one", as: Int32.self) == 1)
            try await server.stop()
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1 AS one") }
            try await server.start()
            #expect(try await pool.query("SELECT 1 AS one").first?.decode("one", as: Int32.self) == 1)
            await pool.close()
        }
    }

    @Test func socketPathStaysUnderUnixLimitForDeepFolders() {
        let deep = URL(fileURLWithPath: "/tmp/" + String(repeating: "very-long-folder-name/", count: 8))
        let server = EmbeddedPostgres(dataDirectory: deep)
        #expect(server.socketDirectory.utf8.count + "/.s.PGSQL.5432".utf8.count < 108)
        #expect(server.socketDirectory.hasPrefix("/tmp/kalan-pg-"))
    }
}
