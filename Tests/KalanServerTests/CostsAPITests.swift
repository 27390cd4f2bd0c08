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

/// Cost lines and the money statistics over the API; S-1 (APIFixture) has 20 staff enrolled.
@Suite("API: cost lines, money statistics and files abroad")
struct CostsAPITests {
    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]) ?? [:]
    }

    @Test func hrRecordsLinesEveryoneButTrainersReadsThemAndBadInputNamesItsField() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let costs = "/api/v1/sessions/S-1/costs"
                let euros = ByteBuffer(string: #"{"kind":"lodging","amount":"1250.50","currency":"EUR","rate":"655.957","payer":"partner"}"#)
                try await client.execute(uri: costs, method: .post, headers: f.headers("hr", json: true), body: euros) { response in
                    #expect(response.status == .created)
                    let line = Self.json(response.body)
                    #expect(line["amountMinor"] as? Int == 125_050 && line["amountXOF"] as? Int == 820_274 && line["rate"] as? String == "655.957")
                    #expect(line["payerPartner"] as? String == "ITRC" && line["amount"] as? String == "1250.50")
                }
                let francs = ByteBuffer(string: #"{"kind":"allowances","amount":"180000","payer":"state"}"#)
                try await client.execute(uri: costs, method: .post, headers: f.headers("admin", json: true), body: francs) { #expect($0.status == .created) }
                for (body, field) in [
                    (#"{"kind":"travel","amount":"12.345","currency":"EUR","rate":"655.957","payer":"state"}"#, "amount"),
                    (#"{"kind":"travel","amount":"100","currency":"USD","payer":"state"}"#, "rate"),
                    (#"{"kind":"travel","amount":"100","payer":"other"}"#, "payer_name"),
                ] {
                    try await client.execute(uri: costs, method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: body)) { response in
                        #expect(response.status.code == 422, "\(body)")
                        let problem = Self.json(response.body)
                        let errors = problem["errors"] as? [[String: Any]]
                        #expect(errors?.first?["field"] as? String == field, "\(problem)")
                    }
                }
                try await client.execute(uri: costs, method: .post, headers: f.headers("viewer", json: true), body: francs) { #expect($0.status == .forbidden) }
                try await client.execute(uri: costs, method: .get, headers: f.headers("viewer")) { response in
                    #expect(response.status == .ok)
                    let sheet = Self.json(response.body)
                    #expect(sheet["totalXOF"] as? Int == 1_000_274 && sheet["participants"] as? Int == 20)
                    #expect(sheet["perParticipantXOF"] as? Int == 50_014, "1000274 ÷ 20 = 50013.7, rounded to 50014")
                    #expect((sheet["lines"] as? [[String: Any]])?.count == 2)
                }
                try await client.execute(uri: costs, method: .get, headers: f.headers("trainer")) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/statistics/costs?by=funder", method: .get, headers: f.headers("hr")) { response in
                    #expect(response.status == .ok)
                    let report = Self.json(response.body)
                    let groups = (report["groups"] as? [[String: Any]])?.map { "\($0["group"] ?? "") \($0["costXOF"] ?? "")" }
                    #expect(groups == ["partner:ITRC 820274", "state 180000"])
                    #expect((report["total"] as? [String: Any])?["costXOF"] as? Int == 1_000_274)
                    #expect((report["contributions"] as? [[String: Any]])?.first?["xof"] as? Int == 820_274)
                }
                try await client.execute(uri: "/api/v1/statistics/costs?by=colour", method: .get, headers: f.headers("hr")) { #expect($0.status.code == 400) }
                try await client.execute(uri: "/api/v1/abroad?list=overdue", method: .get, headers: f.headers("hr")) { response in
                    #expect(response.status == .ok && (Self.json(response.body)["items"] as? [Any])?.isEmpty == true)
                }
            }
        }
    }
}
