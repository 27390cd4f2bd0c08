import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: fragments combine their parameters without rewriting text")
struct QueryFragmentTests {
    /// A fragment added after parameters keeps a `$1` of a string literal and of a dollar-quoted
    /// body as written; only its own parameters come after the ones before it.
    @Test func aDollarOneInALiteralOrADollarQuotedBodyIsLeftAsWritten() async throws {
        var query: PostgresQuery = "SELECT \(5) AS a"
        query.append(", '$1' AS literal, $q$costs $1$q$ AS quoted, \(7) AS b")
        #expect(query.sql == "SELECT $1 AS a, '$1' AS literal, $q$costs $1$q$ AS quoted, $2 AS b")
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            let row = try await pool.query(query).firstRow()
            #expect(try row.decode("a", as: Int.self) == 5)
            #expect(try row.decode("literal", as: String.self) == "$1")
            #expect(try row.decode("quoted", as: String.self) == "costs $1")
            #expect(try row.decode("b", as: Int.self) == 7)
        }
    }

    @Test func anInterpolatedFragmentTakesTheNextNumbers() async throws {
        let condition: PostgresQuery = "n > \(1) AND note <> '$2'"
        let query: PostgresQuery = "SELECT n FROM (VALUES (\(1), 'a'), (\(2), 'b'), (\(3), 'c')) AS v (n, note) WHERE \(fragment: condition) AND n < \(3)"
        #expect(query.sql == "SELECT n FROM (VALUES ($1, 'a'), ($2, 'b'), ($3, 'c')) AS v (n, note) WHERE n > $4 AND note <> '$2' AND n < $5")
        #expect(query.bindings.count == 5)
        try await TestDatabase.withPool(maxConnections: 1) { (pool: PostgresPool) async throws in
            #expect(try await pool.query(query).map { try $0.decode("n", as: Int.self) } == [2])
        }
    }
}
