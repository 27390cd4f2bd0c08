import Foundation
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Migrations: not limited by the server's statement and lock timeouts")
struct MigratorTimeoutTests {
    /// The server's connections give up on a lock after KALAN_LOCK_TIMEOUT; a server that starts
    /// while another migrates waits for the migrations' lock as long as it takes, then finds
    /// its connection's own timeouts back.
    @Test func aMigratorWaitsForAnotherMigratorPastTheLockTimeout() async throws {
        try await TestDatabase.withPool(maxConnections: 1, migrated: false) { other in
            let limited = PostgresPool(
                configuration: .init(url: other.configuration.url, statementTimeoutSeconds: 1, lockTimeoutSeconds: 1), maxConnections: 1)
            let migration = Migration(version: 1, name: "one", sql: "CREATE TABLE one (n int);")
            try await other.withConnection { connection in
                // Another process holds the migrations' lock for 2.5 s.
                try await connection.query("SELECT pg_advisory_lock(\(Int64(0x4b414c414e)))")
                async let released: Void = {
                    try await Task.sleep(for: .milliseconds(2500))
                    try await connection.query("SELECT pg_advisory_unlock(\(Int64(0x4b414c414e)))")
                }()
                let applied = try await Migrator(migrations: [migration]).migrate(limited)
                try await released
                #expect(applied.map(\.version) == [1])
            }
            #expect(try await limited.query("SHOW lock_timeout").firstRow().decode("lock_timeout", as: String.self) == "1s")
            #expect(try await limited.query("SHOW statement_timeout").firstRow().decode("statement_timeout", as: String.self) == "1s")
            await limited.close()
        }
    }
}
