import Foundation
import Postgres
import Testing

@testable import KalanStore

/// `make bench` compares the API roster with pgbench running "the same statement": `bench/roster.sql`
/// must be that statement (it had drifted once, to a lighter query than the API ran).
@Suite("Bench: pgbench runs the API roster's own statement")
struct BenchRosterStatementTests {
    static func words(_ sql: String) -> String {
        sql.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: "; "))
    }

    @Test func benchRosterSQLIsTheStatementTheAPIRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bench = try String(contentsOf: root.appendingPathComponent("bench/roster.sql"), encoding: .utf8)
        let api = PostgresUnitOfWork.rosterStatement(sessionCode: "S-1").sql
        #expect(Self.words(bench.replacingOccurrences(of: "'@CODE@'", with: "$1")) == Self.words(api))
    }
}
