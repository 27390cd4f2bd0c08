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

/// Rule 4 over the API: the sheet's version as ETag, 409 with the differences for a stale save,
/// closing (with the rule and the reasons), locked results, and reopening by HR with a reason.
/// S-1 runs 4–8 March 2030 (course TEL: pass mark 50, attendance 80 %); T-1…T-20 are enrolled.
@Suite("API: attendance sheets, closing and reopening results")
struct ResultsAPITests {
    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]) ?? [:]
    }

    @Test func staleAttendanceIsRefusedWith409AndTheDifferencesThenClosedResultsStayClosedUntilHRReopens() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let sheet = "/api/v1/sessions/S-1/attendance"
                let etag = try await client.execute(uri: sheet + "?day=2030-03-04", method: .get, headers: f.headers("trainer")) { response in
                    #expect(response.status == .ok)
                    let body = Self.json(response.body)
                    #expect((body["lines"] as? [[String: Any]])?.count == 20)
                    #expect((body["unmarkedDays"] as? [String])?.first == "2030-03-04")
                    #expect(response.headers[.eTag] == "\"\(body["version"] as? String ?? "?")\"")
                    return response.headers[.eTag] ?? ""
                }
                let absent = ByteBuffer(string: #"{"day":"2030-03-04","marks":[{"staffNumber":"T-1","status":"absent"}]}"#)
                let newTag = try await client.execute(
                    uri: sheet, method: .put, headers: f.headers("trainer", json: true, extra: [.ifMatch: etag]), body: absent
                ) { response in
                    #expect(response.status == .noContent)
                    return response.headers[.eTag]
                }
                #expect(newTag != nil && newTag != etag)

                // HR's form was read at the first version: it would overwrite T-1's absence.
                let present = ByteBuffer(string: #"{"day":"2030-03-04","marks":[{"staffNumber":"T-1","status":"present"},{"staffNumber":"T-2","status":"present"}]}"#)
                try await client.execute(uri: sheet, method: .put, headers: f.headers("hr", json: true, extra: [.ifMatch: etag]), body: present) { response in
                    #expect(response.status == .conflict)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    let problem = Self.json(response.body)
                    #expect(problem["type"] as? String == "/problems/attendance-changed")
                    let differences = problem["differences"] as? [[String: Any]]
                    #expect(differences?.count == 1)
                    #expect(differences?.first?["staffNumber"] as? String == "T-1")
                    #expect(differences?.first?["wanted"] as? String == "present" && differences?.first?["saved"] as? String == "absent")
                }
                let version = String(etag.dropFirst().dropLast())
                let inBody = ByteBuffer(string: #"{"day":"2030-03-04","version":"\#(version)","marks":[{"staffNumber":"T-1","status":"excused"}]}"#)
                try await client.execute(uri: sheet, method: .put, headers: f.headers("hr", json: true), body: inBody) { #expect($0.status == .conflict) }
                try await client.execute(uri: sheet, method: .put, headers: f.headers("hr", json: true, extra: [.ifMatch: "v1"]), body: present) { response in
                    #expect(response.status.code == 422 && String(buffer: response.body).contains("If-Match"))
                }
                try await client.execute(uri: sheet + "?day=2030-03-04", method: .get, headers: f.headers("viewer")) { response in
                    let lines = Self.json(response.body)["lines"] as? [[String: Any]] ?? []
                    #expect(lines.first { $0["staffNumber"] as? String == "T-1" }?["status"] as? String == "absent")
                    #expect(lines.first { $0["staffNumber"] as? String == "T-2" }?["status"] == nil, "nothing of the refused save is kept")
                }

                // Closing: viewers cannot; the trainer of the session can, and sees the rule and the reasons.
                let close = "/api/v1/sessions/S-1/results/close"
                try await client.execute(uri: close, method: .post, headers: f.headers("viewer")) { #expect($0.status == .forbidden) }
                try await client.execute(uri: close, method: .post, headers: f.headers("stranger")) { #expect($0.status == .notFound) }
                try await client.execute(uri: close, method: .post, headers: f.headers("trainer", extra: [.acceptLanguage: "fr"])) { response in
                    #expect(response.status == .ok)
                    let body = Self.json(response.body)
                    #expect(body["passMark"] as? Int == 50 && body["minAttendance"] as? Int == 80)
                    let lines = body["lines"] as? [[String: Any]] ?? []
                    #expect(lines.count == 20 && lines.allSatisfy { $0["outcome"] as? String == "failed" })
                    let why = lines.first { $0["staffNumber"] as? String == "T-1" }?["shortfalls"] as? [[String: Any]]
                    #expect(why?.map { $0["kind"] as? String } == ["noPostScore", "attendanceBelowMinimum"])
                    #expect(why?.first?["message"] as? String == "pas de score de sortie")
                }
                try await client.execute(uri: sheet, method: .put, headers: f.headers("admin", json: true), body: present) { response in
                    #expect(response.status.code == 422)
                    #expect(String(buffer: response.body).contains("T-1"), "the refusal names the person")
                }

                // Reopening: HR or admin only, with a reason.
                let reopen = "/api/v1/sessions/S-1/results/reopen"
                let reason = ByteBuffer(string: #"{"reason":"Feuille du lundi mal saisie"}"#)
                try await client.execute(uri: reopen, method: .post, headers: f.headers("trainer", json: true), body: reason) { #expect($0.status == .forbidden) }
                try await client.execute(uri: reopen, method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"reason":""}"#)) {
                    #expect($0.status.code == 422)
                }
                try await client.execute(uri: reopen, method: .post, headers: f.headers("hr", json: true), body: reason) { response in
                    #expect(response.status == .ok)
                    #expect((Self.json(response.body)["lines"] as? [[String: Any]])?.count == 20)
                }
                try await client.execute(uri: sheet, method: .put, headers: f.headers("hr", json: true), body: present) { #expect($0.status == .noContent) }
                try await client.execute(uri: "/api/v1/sessions/S-1/results", method: .get, headers: f.headers("viewer")) { response in
                    #expect(response.status == .ok)
                    let lines = Self.json(response.body)["lines"] as? [[String: Any]] ?? []
                    #expect(lines.allSatisfy { $0["closedNow"] as? Bool == true }, "a preview of the reopened session")
                }
                let events = try await pool.query("SELECT count(*) AS n FROM enrolment_event WHERE reason = 'Feuille du lundi mal saisie'").first!.decode("n", as: Int.self)
                #expect(events == 20)
            }
        }
    }
}
