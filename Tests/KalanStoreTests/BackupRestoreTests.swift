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

    /// Issue 21: a crafted backup whose key is a link (to any file) is refused before anything is
    /// read or restored; the data folder's key is never a link, and the linked file is untouched.
    @Test func aBackupHoldingALinkIsRefusedAndNothingIsFollowed() async throws {
        try #require(KalanProcess.isBuilt, "swift build builds kalan beside the tests")
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-crafted-\(UUID().uuidString.prefix(8))")
        let members = root.appendingPathComponent("members")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: members, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let victim = root.appendingPathComponent("victim.txt")
        try Data("someone else's file\n".utf8).write(to: victim)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: victim.path)
        try Data("PGDMP".utf8).write(to: members.appendingPathComponent("kalan.dump"))
        try FileManager.default.createSymbolicLink(atPath: members.appendingPathComponent("SECRET-signing-key.json").path, withDestinationPath: victim.path)
        let file = root.appendingPathComponent("crafted.backup").path
        let tar = try await KalanProcess.run(program: "/usr/bin/tar", ["-cf", file, "-C", members.path, "kalan.dump", "SECRET-signing-key.json"])
        #expect(tar.code == 0, "\(tar.output)")

        let restore = try await KalanProcess.run(["db", "restore", file, "--data-dir", data.path, "--lang", "en", "--force"])
        #expect(restore.code != 0)
        #expect(restore.output.contains("SECRET-signing-key.json in the backup is not a plain file"), "\(restore.output)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "someone else's file\n")
        #expect(try FileManager.default.attributesOfItem(atPath: victim.path)[.posixPermissions] as? Int == 0o644, "no chmod through the link")
        let key = data.appendingPathComponent("signing-key.json").path
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: key)) == nil, "the data folder's key is not a link")
    }

    /// Writing the key replaces a link at its place (renamed over), never writes through it.
    @Test func theKeyIsWrittenOverALinkNotThroughIt() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-keylink-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let victim = root.appendingPathComponent("victim.txt")
        try Data("untouched".utf8).write(to: victim)
        let key = root.appendingPathComponent("signing-key.json").path
        try FileManager.default.createSymbolicLink(atPath: key, withDestinationPath: victim.path)
        #expect(throws: (any Error).self) { try IssuerKeyFile.writeNew(Data("new".utf8), to: key) }
        try IssuerKeyFile.replace(Data("restored key".utf8), at: key)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "untouched")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: key)) == nil)
        #expect(try String(contentsOf: URL(fileURLWithPath: key), encoding: .utf8) == "restored key")
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
    }

    /// The database's password never goes on pg_dump's or pg_restore's command line.
    @Test func thePasswordGoesThroughTheEnvironmentNotTheCommandLine() {
        let url = PostgresTools.connection("postgresql://kalan:s3cr%40t@db.example:5432/kalan?sslmode=require")
        #expect(!url.url.contains("s3cr") && url.url.contains("db.example:5432/kalan") && url.url.contains("sslmode=require"), "\(url.url)")
        #expect(url.environment == ["PGPASSWORD": "s3cr@t"])
        let query = PostgresTools.connection("postgresql:///kalan?host=%2Ftmp%2Fpg&user=kalan&password=hunter22")
        #expect(!query.url.contains("hunter22") && query.url.contains("host=") && query.environment == ["PGPASSWORD": "hunter22"], "\(query.url)")
        let keywords = PostgresTools.connection("host=db user=kalan password=hunter22 dbname=kalan")
        #expect(keywords.url == "host=db user=kalan dbname=kalan" && keywords.environment == ["PGPASSWORD": "hunter22"])
        let none = PostgresTools.connection("postgresql:///kalan?host=%2Ftmp%2Fpg&port=5432&user=postgres")
        #expect(none.url == "postgresql:///kalan?host=%2Ftmp%2Fpg&port=5432&user=postgres" && none.environment.isEmpty)
    }
}
