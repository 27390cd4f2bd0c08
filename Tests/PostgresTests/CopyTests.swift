import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: COPY FROM STDIN")
struct CopyTests {
    @Test func copyLoadsOneHundredThousandRows() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE staging (n int, name text)")
            let count = try await pool.withConnection { connection in
                try await connection.copyIn("COPY staging (n, name) FROM STDIN") { write in
                    var chunk: [UInt8] = []
                    chunk.reserveCapacity(1 << 16)
                    for n in 1...100_000 {
                        chunk += Array("\(n)\tAgent Touré \(n)\n".utf8)
                        if chunk.count > 60_000 {
                            try write(chunk[...])
                            chunk.removeAll(keepingCapacity: true)
                        }
                    }
                    try write(chunk[...])
                }
            }
            #expect(count == 100_000)
            let row = try #require(try await pool.query("SELECT count(*) AS c, max(n) AS m, min(name) AS first FROM staging").first)
            #expect(try row.decode("c", as: Int.self) == 100_000)
            #expect(try row.decode("m", as: Int.self) == 100_000)
            #expect(try row.decode("first", as: String.self).hasPrefix("Agent Touré"))
        }
    }

    @Test func badCopyDataIsRejectedAndConnectionStaysUsable() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE staging (n int)")
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try await connection.copyIn("COPY staging (n) FROM STDIN") { write in try write(Array("1\nnot-a-number\n".utf8)[...]) }
                }
            }
            #expect(try await pool.query("SELECT count(*) AS c FROM staging").first!.decode("c", as: Int.self) == 0)
        }
    }
}
