import Foundation
import HTTPTypes
import HummingbirdTesting
import KalanCore
import KalanStore
import KalanTestSupport
import NIOCore
import Postgres
import Testing

@testable import KalanServer

/// Issue 29: the roster and the cohort statistics are written straight to JSON; the generated
/// types stay the contract, so both encodings of the same answers must read the same.
@Suite("API answers written straight to JSON read as the generated types' encoding")
struct DirectJSONTests {
    /// Both texts parsed and written again with sorted keys: equal when they hold the same JSON.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func encoded(_ value: some Encodable) throws -> String { try canonical(try JSONEncoder().encode(value)) }

    @Test func hostileStringsAndAbsentFiguresAreWrittenAsTheEncoderWritesThem() throws {
        let figures = CohortFigures(
            group: ["Ségou \"nord\"\\sud", "tab\there\nnew line \u{01} ✓ 🇲🇱", ""], enrolments: 7,
            statuses: ["completed": 3, "failed": 1, "enrolled": 2, "no_show": 1], trainees: 6, women: 2, presentDays: 10, markedDays: 12,
            meanPreScore: 41.5, meanPostScore: 70, meanGain: nil, certificatesIssued: 3, certificatesRevoked: 0)
        let empty = CohortFigures(
            group: [], enrolments: 0, statuses: [:], trainees: 0, women: 0, presentDays: 0, markedDays: 0, meanPreScore: nil, meanPostScore: nil, meanGain: nil,
            certificatesIssued: 0, certificatesRevoked: 0)
        let report = CohortReport(dimensions: [.session, .sex], groups: [figures, empty], total: figures)
        var json = DirectJSON.Writer()
        KalanAPI.write(report, to: &json)
        #expect(try Self.canonical(Data(json.bytes)) == Self.encoded(KalanAPI.schema(report)))
        // Absent rates are left out, not written as null.
        let text = String(decoding: json.bytes, as: UTF8.self)
        #expect(!text.contains("null"))
        #expect(text.contains(#""meanPostScore":70,"#))
    }

    @Test func theRosterAndTheStatisticsOverHTTPReadAsTheGeneratedTypes() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let repository = PostgresRepository(pool: pool)
            let admin = Actor.commandLine(user: "t")
            try await repository.transaction { work in
                try await work.insert(Trainee(staffNumber: "T-Q", givenName: "Ba \"le grand\"", familyName: "Cissé\\Touré", sex: .male))
            }
            let workflow = EnrolmentWorkflow(repository: repository, clock: APIFixture.clock)
            _ = try await workflow.enrol(staffNumber: "T-Q", sessionCode: "S-1", actor: admin)
            _ = try await workflow.withdraw(staffNumber: "T-2", sessionCode: "S-1", reason: "mission", actor: admin)
            try await pool.query(
                """
                INSERT INTO assessment (enrolment_id, kind, score, recorded_by)
                SELECT e.id, 'pre', 55.25, 't' FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number IN ('T-1', 'T-Q')
                """)
            let (session, course, lines) = try await ResultsRecording(repository: repository).rosterWithCourse(sessionCode: "S-1", actor: admin)
            let schema = KalanAPI.schema(session, course)
            let current = lines.filter { !$0.enrolment.status.hasLeftTheRoster }
            let query = CohortQuery(by: [.session, .sex])
            let report = try await CohortStatistics(repository: repository).cohorts(query, actor: admin)

            try await f.app().test(.live) { client in
                func body(_ uri: String) async throws -> Data {
                    try await client.execute(uri: uri, method: .get, headers: f.headers("hr")) { response in
                        #expect(response.status == .ok, "\(uri)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        // The length sent is the answer's, not the placeholder's (a real client reads that many bytes).
                        #expect(response.headers[.contentLength] == nil || response.headers[.contentLength] == String(response.body.readableBytes), "\(uri)")
                        return Data(String(buffer: response.body).utf8)
                    }
                }
                let roster = try await body("/api/v1/sessions/S-1/roster")
                #expect(try Self.canonical(roster) == Self.encoded(KalanAPI.roster(schema, current, trainingDays: session.trainingDays.count)))
                #expect(String(decoding: roster, as: UTF8.self).contains(#""preScore":55.25"#))
                let past = try await body("/api/v1/sessions/S-1/roster?past=true")
                #expect(try Self.canonical(past) == Self.encoded(KalanAPI.roster(schema, lines, trainingDays: session.trainingDays.count)))
                let statistics = try await body("/api/v1/statistics/cohorts?by=session&by=sex")
                #expect(try Self.canonical(statistics) == Self.encoded(KalanAPI.schema(report)))
            }
        }
    }
}
