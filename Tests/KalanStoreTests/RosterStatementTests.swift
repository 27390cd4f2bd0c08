import Foundation
import KalanCore
import KalanTestSupport
import Postgres
import Testing

@testable import KalanStore

/// The API's roster in one statement gives the same session, course and lines as the reads it
/// replaced, for a session with lines, one without, and a code that names no session.
@Suite("Roster in one statement")
struct RosterStatementTests {
    @Test func theOneStatementRosterMatchesTheSeparateReads() async throws {
        try await TestDatabase.withPool(maxConnections: 2) { pool in
            _ = try await SyntheticSeed(trainees: 200, enrolmentsPerTrainee: 3).run(pool)
            let code = try await pool.query("SELECT s.code FROM training_session s JOIN enrolment e ON e.session_id = s.id GROUP BY s.code ORDER BY count(*) DESC, s.code LIMIT 1")
                .firstRow().decode("code", as: String.self)
            try await pool.query(
                """
                INSERT INTO training_session (code, course_id, partner_id, starts_on, ends_on, mode, capacity, enrolment_deadline, status)
                SELECT 'EMPTY-1', course_id, partner_id, starts_on, ends_on, mode, capacity, enrolment_deadline, status FROM training_session WHERE code = \(code)
                """)
            let repository = PostgresRepository(pool: pool)
            for sessionCode in [code, "EMPTY-1"] {
                let (one, separate, courseCode) = try await repository.statement { work in
                    let session = try #require(try await work.session(code: sessionCode))
                    return (
                        try await work.roster(sessionCode: sessionCode), (session, try await work.roster(sessionID: session.id)),
                        try await work.course(id: session.courseID)?.code
                    )
                }
                let found = try #require(one)
                #expect(found.session == separate.0)
                #expect(found.courseCode == courseCode)
                #expect(found.lines == separate.1)
                #expect(found.lines.isEmpty == (sessionCode == "EMPTY-1"), "\(sessionCode): \(found.lines.count) lines")
            }
            #expect(try await repository.statement { try await $0.roster(sessionCode: "NO-SUCH") } == nil)
        }
    }
}
