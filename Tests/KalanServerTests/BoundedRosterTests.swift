import Foundation
import HTTPTypes
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import NIOCore
import Postgres
import Testing

/// Issue 32: a session's page and its API roster show the current lines; withdrawn and rejected
/// lines and each line's history come on demand, so that neither grows with past writes. Before,
/// the page listed every line ever written with its whole history (1.5 MB for a busy session).
@Suite("Roster: current lines, history on demand")
struct BoundedRosterTests {
    @Test func pastLinesAndHistoriesStayOffThePageAndTheAPIUntilAsked() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let workflow = EnrolmentWorkflow(repository: PostgresRepository(pool: pool), clock: APIFixture.clock)
            let admin = Actor.commandLine(user: "t")
            // The app owns the pool while it runs: the churn goes through it too.
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                // The page of the fixture's 20 seats, before any churn.
                let before = try await Pages.get(client, "/sessions/S-1?lang=en", hr).body.utf8.count
                // Churn: twenty people enrol and leave; T-21 comes back, with several events.
                for i in 21...40 {
                    _ = try await workflow.enrol(staffNumber: "T-\(i)", sessionCode: "S-1", actor: admin)
                    _ = try await workflow.withdraw(staffNumber: "T-\(i)", sessionCode: "S-1", reason: "mission \(i)", actor: admin)
                }
                _ = try await workflow.enrol(staffNumber: "T-21", sessionCode: "S-1", actor: admin)
                let page = try await Pages.get(client, "/sessions/S-1?lang=en", hr)
                #expect(page.status == 200)
                #expect(!page.body.contains("mission 30"), "a withdrawn line's reason is not on the page")
                #expect(page.body.contains("Show the withdrawn or rejected lines (19)"))
                // The current lines, their last event each: the page grew by one line, not by the churn.
                #expect(page.body.utf8.count < before + before / 10, "\(before) → \(page.body.utf8.count) bytes")
                #expect(page.body.contains("History ("), "a line with several events links to its history")
                let past = try await Pages.get(client, "/sessions/S-1?lang=en&past=1", hr)
                #expect(past.body.contains("mission 30") && past.body.contains("Hide the withdrawn or rejected lines (19)"))
                let history = try await Pages.get(client, "/sessions/S-1?lang=en&history=t-21", hr)
                #expect(history.body.contains(#"class="history""#) && history.body.contains("mission 21"), "the whole history of T-21 on demand")
                // The staff member's page: the last events of each line, the rest on the session's page.
                let staffPage = try await Pages.get(client, "/trainees/T-21?lang=en", hr)
                #expect(staffPage.body.contains("History (") && staffPage.body.contains("&amp;history=T-21#line-T-21"), "the staff page links to the whole history")

                // The audit log names an enrolment by its person and session, not by its identifier.
                let audit = try await Pages.get(client, "/audit?lang=en", try await Pages.signIn(client, "admin"))
                #expect(audit.body.contains("Keïta Awa (T-21) · S-1"), "the audit log's record column in words")

                func rosterLines(_ query: String) async throws -> Int {
                    try await client.execute(uri: "/api/v1/sessions/S-1/roster\(query)", method: .get, headers: f.headers("hr")) { response in
                        #expect(response.status == .ok)
                        let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                        return (json?["lines"] as? [Any])?.count ?? -1
                    }
                }
                #expect(try await rosterLines("") == 21, "20 seats and T-21 again")
                #expect(try await rosterLines("?past=true") == 40, "with the 19 lines that left")
            }
        }
    }
}
