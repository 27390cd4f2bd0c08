import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Migrations: one numbered below an applied one is refused at start")
struct MigrationOrderTests {
    @Test func aPendingMigrationNumberedBelowAnAppliedOneIsRefusedNamingBothFiles() async throws {
        try await TestDatabase.withPool(migrated: false) { (pool: PostgresPool) async throws in
            let one = Migration(version: 1, name: "one", sql: "CREATE TABLE one (n int);")
            let three = Migration(version: 3, name: "three", sql: "CREATE TABLE three (n int);")
            let late = Migration(version: 2, name: "late", sql: "CREATE TABLE late (n int);")
            try await Migrator(migrations: [one, three]).migrate(pool)
            let refusal = await #expect(throws: MigrationError.self) { try await Migrator(migrations: [one, late, three]).migrate(pool) }
            guard case .outOfOrder(let pending, let applied) = refusal else {
                Issue.record("expected outOfOrder, got \(String(describing: refusal))")
                return
            }
            #expect(pending == "0002_late.sql" && applied == "0003_three.sql")
            for language in [Language.fr, .en] {
                let text = try #require(refusal).message(in: language)
                #expect(text.contains("0002_late.sql") && text.contains("0003_three.sql"), "\(text)")
            }
            #expect(try #require(refusal).description.contains("0002_late.sql"))
            // Nothing ran: the late migration's table does not exist.
            #expect(try await pool.query("SELECT to_regclass('late') IS NULL AS absent").firstRow().decode("absent", as: Bool.self))
        }
    }

    @Test func pendingMigrationsAfterTheLastAppliedOneRun() async throws {
        try await TestDatabase.withPool(migrated: false) { (pool: PostgresPool) async throws in
            let one = Migration(version: 1, name: "one", sql: "CREATE TABLE one (n int);")
            let two = Migration(version: 2, name: "two", sql: "CREATE TABLE two (n int);")
            try await Migrator(migrations: [one]).migrate(pool)
            #expect(try await Migrator(migrations: [one, two]).migrate(pool).map(\.fileName) == ["0002_two.sql"])
        }
    }
}
