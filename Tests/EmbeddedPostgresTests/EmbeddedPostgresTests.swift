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
