import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: values never become SQL, failures leave nothing")
struct SafetyTests {
    @Test func hostileStringsAreStoredVerbatim() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.query("CREATE TABLE x (v text)")
            let hostile = ["'; DROP TABLE x; --", "\\'; SELECT 1; --", "$1", "Robert'); DROP TABLE x;--", "\u{202E}evil"]
            for value in hostile { try await pool.query("INSERT INTO x (v) VALUES (\(value))") }
            let stored = try await pool.query("SELECT v FROM x").map { try $0.decode("v", as: String.self) }
            #expect(Set(stored) == Set(hostile))
        }
    }

    @Test func textWithNulCharacterIsRefusedNotTruncated() async throws {
        try await TestDatabase.withPool { pool in
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT \("a\u{0}b")::text") }
        }
    }

    @Test func transactionRollsBackWhenBodyThrows() async throws {
        struct Abort: Error {}
        try await TestDatabase.withPool { pool in
            try await pool.query("CREATE TABLE t (n int)")
            await #expect(throws: Abort.self) {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (\(1))")
                    throw Abort()
                }
            }
            let count = try await pool.query("SELECT count(*) AS n FROM t").first!.decode("n", as: Int.self)
            #expect(count == 0)
            try await pool.withTransaction { try await $0.query("INSERT INTO t VALUES (\(2))") }
            #expect(try await pool.query("SELECT count(*) AS n FROM t").first!.decode("n", as: Int.self) == 1)
        }
    }

    @Test func serverErrorCarriesSQLStateAndConstraintButNoValue() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.query("CREATE TABLE u (email text CONSTRAINT u_email_key UNIQUE)")
            try await pool.query("INSERT INTO u VALUES (\("awa.traore@example.ml"))")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO u VALUES (\("awa.traore@example.ml"))")
            }
            #expect(error?.sqlState == "23505")
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraint == "u_email_key")
            #expect(error?.description.contains("awa.traore") == false)
        }
    }

    @Test func retryingTransactionSurvivesSerializationFailures() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            try await pool.query("CREATE TABLE counter (n int)")
            try await pool.query("INSERT INTO counter VALUES (0)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        // 16 rivals for one row: a loser may lose many rounds, so more attempts than the default.
                        try await pool.withRetryingTransaction(isolation: .serializable, maxAttempts: 40) { connection in
                            let n = try await connection.query("SELECT n FROM counter").first!.decode("n", as: Int.self)
                            try await connection.query("UPDATE counter SET n = \(n + 1)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.query("SELECT n FROM counter").first!.decode("n", as: Int.self) == 16)
        }
    }
}
