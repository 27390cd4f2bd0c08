import Foundation
import KalanTestSupport
import Postgres
import Testing

/// Issue 29: a statement met a second time on a connection is prepared once and then only bound
/// and executed; a plan that no longer fits its tables, or a statement the server dropped, costs
/// one failure inside a transaction and none outside.
@Suite("Postgres: statements prepared on their second use")
struct PreparedStatementTests {
    static func prepared(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT statement FROM pg_prepared_statements ORDER BY name").map { try $0.decode("statement", as: String.self) }
            .filter { !$0.contains("pg_prepared_statements") }
    }

    @Test func aStatementIsPreparedOnItsSecondUseAndGivesTheSameRows() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            try await pool.withConnection { connection in
                try await connection.run("CREATE TABLE t (id int PRIMARY KEY, name text)")
                for i in 1...3 { try await connection.query("INSERT INTO t (id, name) VALUES (\(i), \("n\(i)"))") }
                var answers: [String] = []
                for i in 1...3 {
                    answers.append(try await connection.query("SELECT name FROM t WHERE id = \(i)").firstRow().decode("name", as: String.self))
                }
                #expect(answers == ["n1", "n2", "n3"])
                let statements = try await Self.prepared(connection)
                #expect(statements.contains { $0.hasPrefix("SELECT name FROM t WHERE id = $1") })
                #expect(statements.contains { $0.hasPrefix("INSERT INTO t") })
                // Met once: not prepared; neither is what PostgreSQL cannot prepare.
                try await connection.query("SELECT count(*) AS n FROM t WHERE name <> \("x")")
                try await connection.run("CREATE INDEX ON t (name)")
                #expect(try await Self.prepared(connection).count == statements.count)
            }
        }
    }

    @Test func aChangedTableOrADroppedStatementIsReadAgainOutsideATransaction() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            try await pool.withConnection { connection in
                try await connection.run("CREATE TABLE t (id int PRIMARY KEY)")
                try await connection.run("INSERT INTO t VALUES (1)")
                for _ in 0..<3 { #expect(try await connection.query("SELECT * FROM t WHERE id = \(1)").columns == ["id"]) }
                // The prepared `SELECT *` no longer fits: outside a transaction, run again unnamed.
                try await connection.run("ALTER TABLE t ADD COLUMN name text DEFAULT 'x'")
                #expect(try await connection.query("SELECT * FROM t WHERE id = \(1)").columns == ["id", "name"])
                // Inside one, the error stands (the transaction failed), and the next use is fine.
                for _ in 0..<2 { _ = try await connection.query("SELECT * FROM t WHERE id = \(1)") }
                try await connection.run("ALTER TABLE t ADD COLUMN age int")
                await #expect(throws: PostgresError.self) {
                    try await connection.withTransaction { try await $0.query("SELECT * FROM t WHERE id = \(1)") }
                }
                #expect(try await connection.query("SELECT * FROM t WHERE id = \(1)").columns == ["id", "name", "age"])
                // Statements the server dropped (DEALLOCATE ALL, DISCARD ALL): prepared again.
                for _ in 0..<2 { _ = try await connection.query("SELECT id FROM t WHERE id = \(1)") }
                try await connection.run("DISCARD ALL")
                for _ in 0..<3 { #expect(try await connection.query("SELECT id FROM t WHERE id = \(1)").count == 1) }
                #expect(try await Self.prepared(connection).contains { $0.hasPrefix("SELECT id FROM t WHERE id = $1") })
            }
        }
    }
}
