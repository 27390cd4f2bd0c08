import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// `kalan db backup` and `kalan db restore` as an operator runs them: the demo seeded, backed
/// up, restored into a fresh data folder; the same rows there and every certificate genuine.
@Suite("Backup and restore through PostgreSQL's own tools", .serialized)
struct BackupRestoreTests {
    static func counts(_ folder: URL) async throws -> [String: Int] {
        let server = EmbeddedPostgres(dataDirectory: folder)
        let lease = try await server.lease()
        let pool = PostgresPool(configuration: .init(url: server.url(database: "kalan")), maxConnections: 1)
        var counts: [String: Int] = [:]
        do {
            let tables = try await pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").map {
                try $0.decode("tablename", as: String.self)
            }
            for table in tables {
                counts[table] = try await pool.query("SELECT count(*) AS n FROM \(unescaped: "\"\(table)\"")").first?.decode("n", as: Int.self)
            }
        } catch {
            await pool.close()
            try await lease.release()
            throw error
        }
        await pool.close()
        try await lease.release()
        return counts
    }

    @Test func theDemoBackedUpAndRestoredHasEveryRowAndEveryCertificateVerifies() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-backup-test-\(UUID().uuidString.prefix(8))")
        let original = root.appendingPathComponent("original")
        let restored = root.appendingPathComponent("restored")
        let file = root.appendingPathComponent("kalan.backup").path
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: root) }
        let seeded = try await KalanProcess.run(["db", "seed", "--demo", "--data-dir", original.path, "--log-level", "warning"])
        #expect(seeded.code == 0, "\(seeded.output)")
        let backup = try await KalanProcess.run(["db", "backup", file, "--data-dir", original.path, "--lang", "en"])
        #expect(backup.code == 0, "\(backup.output)")
        #expect(backup.output.contains("keep it secret"))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the backup holds the signing key: readable by its owner only")
        let again = try await KalanProcess.run(["db", "backup", file, "--data-dir", original.path, "--lang", "en"])
        #expect(again.code != 0 && again.output.contains("exists already"), "a backup never overwrites another")

        let restore = try await KalanProcess.run(["db", "restore", file, "--data-dir", restored.path, "--lang", "en"])
        #expect(restore.code == 0, "\(restore.output)")
        let refused = try await KalanProcess.run(["db", "restore", file, "--data-dir", restored.path, "--lang", "en"])
        #expect(refused.code != 0 && refused.output.contains("not empty"), "\(refused.output)")

        let before = try await Self.counts(original)
        let after = try await Self.counts(restored)
        #expect(before == after)
        #expect((after["certificate"] ?? 0) > 0 && (after["trainee"] ?? 0) > 300)
        #expect(
            try Data(contentsOf: original.appendingPathComponent("signing-key.json")) == Data(contentsOf: restored.appendingPathComponent("signing-key.json")))

        // Every certificate of the restored database is genuine (its proof checks with its key).
        let server = EmbeddedPostgres(dataDirectory: restored)
        let lease = try await server.lease()
        let pool = PostgresPool(configuration: .init(url: server.url(database: "kalan")), maxConnections: 2)
        let serials = try await pool.query("SELECT serial FROM certificate ORDER BY serial").map { try $0.decode("serial", as: String.self) }
        let issuing = CertificateIssuing(
            repository: PostgresRepository(pool: pool), issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), publicURL: "http://test")
        var genuine = 0
        for serial in serials where try await issuing.verify(serial: serial, language: .en)?.genuine == true { genuine += 1 }
        await pool.close()
        try await lease.release()
        #expect(genuine == serials.count && genuine == after["certificate"])
    }
}
