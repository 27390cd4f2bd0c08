import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// The notices over the API (issue 24): a session's and a person's, and sending one again.
@Suite("API: notices of a session and of a staff member, sending one again")
struct NoticesAPITests {
    static func items(_ buffer: ByteBuffer) -> [[String: Any]] {
        let body = try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]
        return body?["items"] as? [[String: Any]] ?? []
    }

    @Test func hrListsTheNoticesOfADecisionTrainersMayNotAndRetryPutsOneBackInTheOutbox() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await pool.query("UPDATE trainee SET email = 'awa.keita@dnt.gouv.ml' WHERE staff_number = 'T-13'")
            try await f.app().test(.router) { client in
                try await client.execute(
                    uri: "/api/v1/sessions/S-1/enrolments/T-13/withdrawal", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: "{}")
                ) { #expect($0.status == .ok || $0.status == .noContent, "\(String(buffer: $0.body))") }
                var withdrawn: [String: Any] = [:]
                try await client.execute(uri: "/api/v1/sessions/S-1/notices", method: .get, headers: f.headers("hr")) { response in
                    #expect(response.status == .ok)
                    let items = Self.items(response.body)
                    withdrawn = items.first { $0["kind"] as? String == "withdrawn" && $0["channel"] as? String == "email" } ?? [:]
                    #expect(withdrawn["recipient"] as? String == "trainee" && withdrawn["staffNumber"] as? String == "T-13", "\(items.prefix(3))")
                    #expect(withdrawn["status"] as? String == "pending" && withdrawn["session"] as? String == "S-1")
                    #expect(withdrawn["recipientName"] as? String == "Awa Keïta" && withdrawn["createdAt"] != nil)
                    // The enrolments of the fixture: staff without an e-mail or phone, listed as unreachable.
                    #expect(items.filter { $0["status"] as? String == "unreachable" }.count >= 20)
                }
                let id = try #require(withdrawn["id"] as? Int)
                try await client.execute(uri: "/api/v1/trainees/T-13/notices", method: .get, headers: f.headers("admin")) { response in
                    #expect(response.status == .ok)
                    let items = Self.items(response.body)
                    #expect(items.contains { $0["id"] as? Int == id })
                    #expect(items.allSatisfy { $0["staffNumber"] as? String == "T-13" })
                }
                for uri in ["/api/v1/sessions/S-1/notices", "/api/v1/trainees/T-13/notices"] {
                    try await client.execute(uri: uri, method: .get, headers: f.headers("trainer")) { #expect($0.status == .forbidden, "\(uri)") }
                }
                try await client.execute(uri: "/api/v1/notices/\(id)/retry", method: .post, headers: f.headers("trainer")) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/sessions/NONE-9/notices", method: .get, headers: f.headers("hr")) { #expect($0.status == .notFound) }
                try await client.execute(uri: "/api/v1/trainees/NOBODY/notices", method: .get, headers: f.headers("hr")) { #expect($0.status == .notFound) }
                try await client.execute(uri: "/api/v1/notices/999999/retry", method: .post, headers: f.headers("hr")) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                // The sender gave up on it: HR sends it again, due now, attempts from zero.
                let outbox = PostgresNoticeOutbox(pool: pool)
                let claimed = try await outbox.claim(limit: 10, channels: [.email], now: Date(), lease: 60)
                #expect(claimed.map(\.id) == [Int64(id)], "T-13's e-mail is the only notice with an address")
                try await outbox.markFailed(id: Int64(id), error: "550 mailbox unavailable")
                try await client.execute(uri: "/api/v1/trainees/T-13/notices", method: .get, headers: f.headers("hr")) { response in
                    let notice = Self.items(response.body).first { $0["id"] as? Int == id }
                    #expect(notice?["status"] as? String == "failed" && notice?["lastError"] as? String == "550 mailbox unavailable")
                }
                try await client.execute(uri: "/api/v1/notices/\(id)/retry", method: .post, headers: f.headers("hr")) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
                try await client.execute(uri: "/api/v1/trainees/T-13/notices", method: .get, headers: f.headers("hr")) { response in
                    let notice = Self.items(response.body).first { $0["id"] as? Int == id }
                    #expect(notice?["status"] as? String == "pending" && notice?["attempts"] as? Int == 0)
                }
                let due = try await pool.query("SELECT next_attempt_at <= now() AS due FROM notice WHERE id = \(Int64(id))").firstRow().decode("due", as: Bool.self)
                #expect(due, "due again at once")
                // A pending notice is on its way: nothing to send again.
                try await client.execute(uri: "/api/v1/notices/\(id)/retry", method: .post, headers: f.headers("hr")) { #expect($0.status == .notFound) }
            }
        }
    }
}
