import Foundation
import KalanMigrations
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Migrations: applied once, checked, refused when edited")
struct MigratorTests {
    @Test func migrateIsIdempotentAndStatusShowsAllApplied() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            let migrator = Migrator()
            let first = try await migrator.migrate(pool)
            #expect(first.count == Migration.all.count)
            #expect(try await migrator.migrate(pool).isEmpty)
            let status = try await migrator.status(pool)
            #expect(status.allSatisfy { $0.appliedAt != nil })
            #expect(try await migrator.isUpToDate(pool))
        }
    }

    @Test func editedAppliedMigrationIsRefused() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            let original = Migration(version: 1, name: "one", sql: "CREATE TABLE one (n int);")
            try await Migrator(migrations: [original]).migrate(pool)
            let edited = Migration(version: 1, name: "one", sql: "CREATE TABLE one (n bigint);")
            await #expect(throws: MigrationError.self) { try await Migrator(migrations: [edited]).migrate(pool) }
            #expect(try await Migrator(migrations: [edited]).isUpToDate(pool) == false)
        }
    }

    @Test func failingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            let good = Migration(version: 1, name: "good", sql: "CREATE TABLE good (n int);")
            let bad = Migration(version: 2, name: "bad", sql: "CREATE TABLE half (n int); SELECT no_such_function();")
            await #expect(throws: PostgresError.self) { try await Migrator(migrations: [good, bad]).migrate(pool) }
            let half = try await pool.query("SELECT to_regclass('half') IS NULL AS absent").first!.decode("absent", as: Bool.self)
            #expect(half)
            let status = try await Migrator(migrations: [good, bad]).status(pool)
            #expect(status.map { $0.appliedAt != nil } == [true, false])
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.withPool(maxConnections: 4, migrated: false) { pool in
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 { group.addTask { try await Migrator().migrate(pool).count } }
                return try await group.reduce(0, +)
            }
            #expect(counts == Migration.all.count)
        }
    }

    @Test func compiledInMigrationsAreExactlyTheSQLFolder() throws {
        let sqlFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: sqlFolder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(
            MigrationFiles.all.map(\.name) == files, "every sql/migrations/*.sql file, in order, needs its line in sql/MigrationFiles.swift")
        #expect(files.count == Migration.all.count, "migration files are named NNNN_name.sql")
        for (file, migration) in zip(files, Migration.all) {
            let text = try String(contentsOf: sqlFolder.appendingPathComponent(file), encoding: .utf8)
            #expect(text == migration.sql, "\(file) differs from the copy compiled in")
        }
    }

    @Test func auditLogRefusesUpdateAndDelete() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.query(
                "INSERT INTO audit_event (actor, action, entity) VALUES (\("cli:test"), \("create"), \("trainee"))")
            let update = await #expect(throws: PostgresError.self) { try await pool.query("UPDATE audit_event SET actor = 'x'") }
            #expect(update?.sqlState == "42501")
            await #expect(throws: PostgresError.self) { try await pool.query("DELETE FROM audit_event") }
            await #expect(throws: PostgresError.self) { try await pool.query("TRUNCATE audit_event") }
            #expect(try await pool.query("SELECT count(*) AS n FROM audit_event").first!.decode("n", as: Int.self) == 1)
        }
    }
}
