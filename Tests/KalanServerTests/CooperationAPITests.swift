import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

/// Offers and files abroad over the API; the fixture's day is 2027-06-01 (APIFixture).
@Suite("API: partners' offers, their shares and release, files abroad")
struct CooperationAPITests {
    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]) ?? [:]
    }

    static func field(_ buffer: ByteBuffer) -> String? {
        ((json(buffer)["errors"] as? [[String: Any]])?.first?["field"] as? String)
    }

    static let offer = #"""
        {"code":"IR-1","partner":"ITRC","course":"TEL","title":"Bourses à Téhéran","city":"Tehran","country":"IR","places":4,
         "startsOn":"2027-06-10","endsOn":"2027-06-20","deadline":"2027-06-05","releaseOn":"2027-05-31","partnerPays":["travel","tuition"]}
        """#

    @Test func hrKeepsOffersAndFilesLeadershipReadsTrainersAreRefusedAndBadInputNamesItsField() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                try await client.execute(uri: "/api/v1/offers", method: .post, headers: f.headers("viewer", json: true), body: ByteBuffer(string: Self.offer)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/offers", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: Self.offer)) { r in
                    #expect(r.status == .created)
                    let o = Self.json(r.body)
                    #expect(o["places"] as? Int == 4 && o["released"] as? Bool == false && o["partnerPays"] as? [String] == ["tuition", "travel"])
                }
                // The same code again: a duplicate named as such (it was a 500 in the contract test).
                try await client.execute(uri: "/api/v1/offers", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: Self.offer)) { r in
                    #expect(r.status == .conflict, "\(String(buffer: r.body))")
                    #expect(String(buffer: r.body).contains("IR-1"))
                }
                for (change, field) in [
                    (#""places":4"#, #""places":0"#, "places"), (#""country":"IR""#, #""country":"Iran""#, "country"),
                    (#""deadline":"2027-06-05""#, #""deadline":"2027-06-11""#, "deadline"), (#""partner":"ITRC""#, #""partner":"NOPE""#, "partner"),
                ].map({ (Self.offer.replacingOccurrences(of: $0.0, with: $0.1).replacingOccurrences(of: "IR-1", with: "IR-2"), $0.2) }) {
                    try await client.execute(uri: "/api/v1/offers", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: change)) { r in
                        #expect(r.status.code == 422 && Self.field(r.body) == field, "\(field): \(String(buffer: r.body))")
                    }
                }
                let shares = "/api/v1/offers/IR-1/shares"
                try await client.execute(uri: shares, method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"department":"DNT","places":3}"#)) { r in
                    #expect(r.status == .ok)
                    let s = (Self.json(r.body)["shares"] as? [[String: Any]])?.first
                    #expect(s?["department"] as? String == "DNT" && s?["places"] as? Int == 3 && s?["free"] as? Int == 3)
                }
                try await client.execute(uri: shares, method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"department":"DNT","places":5}"#)) { r in
                    #expect(r.status.code == 422 && Self.field(r.body) == "places")
                }
                try await client.execute(uri: shares, method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"department":"XYZ","places":1}"#)) { r in
                    #expect(r.status.code == 422 && Self.field(r.body) == "department")
                }
                try await client.execute(uri: shares, method: .post, headers: f.headers("trainer", json: true), body: ByteBuffer(string: #"{"department":"DNT","places":1}"#)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(
                    uri: "/api/v1/offers/IR-1/sessions", method: .post, headers: f.headers("admin", json: true), body: ByteBuffer(string: #"{"session":"S-IR"}"#)
                ) { r in
                    #expect(r.status == .created)
                    let s = Self.json(r.body)
                    #expect(s["code"] as? String == "S-IR" && s["country"] as? String == "IR" && s["capacity"] as? Int == 4 && s["course"] as? String == "TEL")
                }
                try await client.execute(uri: "/api/v1/offers/release", method: .post, headers: f.headers("viewer")) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/offers/release", method: .post, headers: f.headers("hr")) { r in
                    #expect(r.status == .ok && Self.json(r.body)["released"] as? [String] == ["IR-1"])
                }
                try await client.execute(uri: "/api/v1/offers/release", method: .post, headers: f.headers("hr")) { r in
                    #expect(r.status == .ok && Self.json(r.body)["released"] as? [String] == [])
                }
                try await client.execute(uri: "/api/v1/offers", method: .get, headers: f.headers("viewer")) { r in
                    let items = Self.json(r.body)["items"] as? [[String: Any]]
                    #expect(r.status == .ok && items?.count == 1 && items?.first?["released"] as? Bool == true && items?.first?["sessions"] as? [String] == ["S-IR"])
                }
                try await client.execute(uri: "/api/v1/offers", method: .get, headers: f.headers("trainer")) { #expect($0.status == .forbidden) }

                // A file abroad for a participant of S-IR.
                let workflow = EnrolmentWorkflow(repository: PostgresRepository(pool: pool), clock: APIFixture.clock)
                try await workflow.enrol(staffNumber: "T-21", sessionCode: "S-IR", actor: .commandLine(user: "test"))
                let file =
                    #"{"session":"S-IR","staffNumber":"T-21","authorisationNumber":"2027-114/MCENP","authorisationDate":"2027-05-02","departsOn":"2027-05-20","returnsOn":"2027-05-30","funding":"partner_scholarship"}"#
                try await client.execute(uri: "/api/v1/abroad/files", method: .post, headers: f.headers("viewer", json: true), body: ByteBuffer(string: file)) {
                    #expect($0.status == .forbidden)
                }
                for (bad, field) in [
                    (file.replacingOccurrences(of: "T-21", with: "T-22"), "staff_number"), (file.replacingOccurrences(of: "2027-05-30", with: "2027-05-10"), "returns_on"),
                    (file.replacingOccurrences(of: "S-IR", with: "S-1"), "session"),
                ] {
                    try await client.execute(uri: "/api/v1/abroad/files", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: bad)) { r in
                        #expect(r.status.code == 422 && Self.field(r.body) == field, "\(field): \(String(buffer: r.body))")
                    }
                }
                var id = ""
                try await client.execute(uri: "/api/v1/abroad/files", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: file)) { r in
                    #expect(r.status == .created)
                    let o = Self.json(r.body)
                    id = o["id"] as? String ?? ""
                    #expect(o["overdue"] as? Bool == true && o["daysLate"] as? Int == 2 && o["authorisationNumber"] as? String == "2027-114/MCENP")
                }
                let one = "/api/v1/abroad/files/\(id)"
                try await client.execute(uri: one, method: .get, headers: f.headers("trainer")) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/abroad/files/\(UUID())", method: .get, headers: f.headers("viewer")) { #expect($0.status == .notFound) }
                try await client.execute(uri: one + "/extensions", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"returnsOn":"2027-05-25","reason":"Stage"}"#)) {
                    r in #expect(r.status.code == 422 && Self.field(r.body) == "returns_on")
                }
                try await client.execute(
                    uri: one + "/extensions", method: .post, headers: f.headers("hr", json: true),
                    body: ByteBuffer(string: #"{"returnsOn":"2027-06-15","reason":"Stage prolongé"}"#)
                ) { r in
                    let o = Self.json(r.body)
                    #expect(r.status == .created && o["dueOn"] as? String == "2027-06-15" && o["overdue"] as? Bool == false)
                }
                try await client.execute(uri: one + "/resumption", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"resumedOn":"2027-06-02"}"#)) {
                    r in #expect(r.status.code == 422 && Self.field(r.body) == "resumed_on")
                }
                try await client.execute(uri: one + "/resumption", method: .post, headers: f.headers("viewer", json: true), body: ByteBuffer(string: #"{"resumedOn":"2027-05-31"}"#)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: one + "/resumption", method: .post, headers: f.headers("hr", json: true), body: ByteBuffer(string: #"{"resumedOn":"2027-05-31"}"#)) {
                    r in #expect(r.status == .ok && Self.json(r.body)["resumedOn"] as? String == "2027-05-31")
                }
                try await client.execute(uri: one, method: .get, headers: f.headers("viewer")) { r in
                    let o = Self.json(r.body)
                    #expect(r.status == .ok && o["resumedOn"] as? String == "2027-05-31" && (o["extensions"] as? [Any])?.count == 1)
                }
            }
        }
    }

    /// `kalan serve`'s service releases a due offer by itself, at start; two servers at once release it once.
    @Test func theServiceReleasesADueOfferWithoutTheCommandOnce() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let repository = PostgresRepository(pool: pool)
            let offers = OfferPlaces(repository: repository, clock: APIFixture.clock)
            for (code, release) in [("DUE", "2027-06-01"), ("LATER", "2027-06-02")] {
                try await offers.create(
                    .init(
                        code: code, partner: "ITRC", course: "TEL", title: "Offre", city: nil, country: "RU", places: 2, startsOn: "2027-06-10",
                        endsOn: "2027-06-12", deadline: "2027-06-05", releaseOn: release, partnerPays: []),
                    actor: .commandLine(user: "test"))
            }
            _ = f
            let service = CooperationService(repository: repository, clock: APIFixture.clock, interval: .seconds(600), logger: Logger(label: "test"))
            let running = Task { try await service.run() }
            var released: Date? = nil
            for _ in 0..<100 where released == nil {
                try await Task.sleep(for: .milliseconds(100))
                released = try await offers.offer(code: "DUE", actor: .commandLine(user: "test")).releasedAt
            }
            running.cancel()
            _ = try? await running.value
            #expect(released != nil)
            #expect(try await offers.offer(code: "LATER", actor: .commandLine(user: "test")).releasedAt == nil)
            // The next day two servers' rounds at once: LATER released once, one audit line.
            let tomorrow = CooperationService(repository: repository, clock: .fixed(Day("2027-06-02")!), logger: Logger(label: "test"))
            async let a = tomorrow.round()
            async let b = tomorrow.round()
            let rounds = try await [a, b]
            #expect(rounds.flatMap(\.released) == ["LATER"])
            let audits = try await pool.query("SELECT count(*) AS n FROM audit_event WHERE action = 'offer.release'").first!.decode("n", as: Int.self)
            #expect(audits == 2)
        }
    }
}
