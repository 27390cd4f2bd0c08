import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("A statement that waited too long for a lock is answered busy, try again")
struct LockTimeoutAnswerTests {
    @Test func aStatementPastTheLockTimeoutIsAnsweredUnavailable() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { (holder: PostgresPool) async throws in
            let limited = PostgresPool(configuration: .init(url: holder.configuration.url, lockTimeoutSeconds: 1), maxConnections: 1)
            var refusal: KalanError?
            try await holder.withTransaction { connection in
                try await connection.query("LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE")
                do {
                    try await limited.query("SELECT count(*) FROM app_user")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "55P03")
                    refusal = KalanError(driver: error)
                }
            }
            // The API and the pages answer `.unavailable` with 503 and "try again".
            #expect(refusal == .unavailable)
            await limited.close()
        }
    }
}
