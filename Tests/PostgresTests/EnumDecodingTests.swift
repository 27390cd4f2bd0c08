import KalanTestSupport
import Postgres
import Testing

/// Issue 22: a value an enumeration does not know is a decoding error naming the column, never a
/// silent default. Before, a drifted status read as "nominated" and an unknown role as "viewer".
@Suite("Enumerations decode by raw value or fail")
struct EnumDecodingTests {
    enum Status: String { case nominated, enrolled }

    @Test func anUnknownValueIsAnErrorNamingTheColumnAndNULLIsNilOnlyWhenAllowed() async throws {
        try await TestDatabase.withPool(maxConnections: 1, migrated: false) { pool in
            let row = try #require(try await pool.query("SELECT 'enrolled' AS known, 'drifted' AS drifted, NULL::text AS missing").first)
            #expect(try row.decode("known", as: Status.self) == .enrolled)
            #expect(try row.decodeIfPresent("missing", as: Status.self) == nil)
            do {
                _ = try row.decode("drifted", as: Status.self)
                Issue.record("an unknown value must not decode")
            } catch let error as PostgresError {
                #expect(error.kind == .decoding && error.column == "drifted")
                #expect(!error.description.contains("drifted'"), "the description quotes no value")
            }
            #expect(throws: PostgresError.self) { _ = try row.decodeIfPresent("drifted", as: Status.self) }
            #expect(throws: PostgresError.self) { _ = try row.decode("missing", as: Status.self) }
        }
    }
}
