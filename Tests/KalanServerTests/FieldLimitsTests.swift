import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Testing

/// One limit per staff-register field (`FieldLimits`): the contract states it, the API and the
/// import refuse one character more, and PostgreSQL's checks take a value at the limit.
@Suite("Field limits: openapi.yaml, the validators and the SQL checks agree")
struct FieldLimitsTests {
    /// A value at the limit and one past it, as the import's CSV column and as the API's field.
    struct Probe: Sendable {
        let field: String
        let column: String
        let atLimit: String
        let overLimit: String
    }

    static let email = String(repeating: "a", count: FieldLimits.email - "@kalan.ml".count) + "@kalan.ml"
    static let probes: [Probe] = [
        Probe(field: "givenName", column: "given_name", atLimit: String(repeating: "A", count: FieldLimits.name), overLimit: String(repeating: "A", count: FieldLimits.name + 1)),
        Probe(field: "familyName", column: "family_name", atLimit: String(repeating: "B", count: FieldLimits.name), overLimit: String(repeating: "B", count: FieldLimits.name + 1)),
        Probe(field: "category", column: "category", atLimit: "B1", overLimit: "B12"),
        Probe(field: "position", column: "position", atLimit: String(repeating: "p", count: FieldLimits.position), overLimit: String(repeating: "p", count: FieldLimits.position + 1)),
        Probe(field: "email", column: "email", atLimit: email, overLimit: "a" + email),
        Probe(field: "phone", column: "phone", atLimit: "+" + String(repeating: "7", count: FieldLimits.phone - 1), overLimit: "+" + String(repeating: "7", count: FieldLimits.phone)),
    ]

    static func staffNumber(_ index: Int, length: Int = 8) -> String {
        let digits = String(index)
        return "L" + String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits
    }

    @Test func contractStatesTheSameMaxLengths() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let response = try await client.execute(uri: "/openapi.json", method: .get)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
                for schema in ["TraineeInput", "TraineePatch"] {
                    let properties = try #require((schemas[schema] as? [String: Any])?["properties"] as? [String: [String: Any]])
                    for (field, property) in properties where property["type"] as? String == "string" && property["enum"] == nil {
                        #expect(property["maxLength"] as? Int == FieldLimits.trainee[field], "\(schema).\(field)")
                    }
                }
            }
        }
    }

    /// The login's `maxLength`s are FieldLimits' too (a password of more than 72 bytes is taken,
    /// and is a wrong password).
    @Test func contractStatesTheLoginsMaxLengths() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let response = try await client.execute(uri: "/openapi.json", method: .get)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                let login = try #require((document["paths"] as? [String: Any])?["/login"] as? [String: Any])
                let body = try #require(((login["post"] as? [String: Any])?["requestBody"] as? [String: Any])?["content"] as? [String: Any])
                let schema = try #require((body["application/json"] as? [String: Any])?["schema"] as? [String: Any])
                let properties = try #require(schema["properties"] as? [String: [String: Any]])
                #expect(Set(properties.keys) == Set(FieldLimits.login.keys))
                for (field, property) in properties { #expect(property["maxLength"] as? Int == FieldLimits.login[field], "login.\(field)") }
            }
        }
    }

    @Test func importRefusesOneCharacterMoreAndTakesTheLimit() throws {
        let header = "staff_number,given_name,family_name,sex,category,position,email,phone"
        func sheet(_ probe: Probe, _ value: String) -> [ImportProblem] {
            var row = ["L0000001", "Awa", "Keïta", "F", "A", "", "", ""]
            let index = header.split(separator: ",").firstIndex { $0 == probe.column }!
            row[index] = value
            return TraineeSheet.read(Data((header + "\n" + row.joined(separator: ",") + "\n").utf8)).problems
        }
        for probe in Self.probes {
            #expect(sheet(probe, probe.atLimit).isEmpty, "\(probe.column) at its limit: \(sheet(probe, probe.atLimit))")
            #expect(sheet(probe, probe.overLimit).contains { $0.column == probe.column }, "\(probe.column) one past its limit")
        }
        let number = Probe(field: "staffNumber", column: "staff_number", atLimit: Self.staffNumber(1, length: 32), overLimit: Self.staffNumber(1, length: 33))
        #expect(sheet(number, number.atLimit).isEmpty)
        #expect(sheet(number, number.overLimit).contains { $0.column == "staff_number" })
    }

    @Test func apiRefusesOneCharacterMoreAndStoresTheLimit() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                for (index, probe) in Self.probes.enumerated() {
                    for (value, expected) in [(probe.atLimit, HTTPResponse.Status.created), (probe.overLimit, .unprocessableContent)] {
                        var body: [String: String] = ["staffNumber": Self.staffNumber(index * 2 + (expected == .created ? 0 : 1)), "givenName": "Awa", "familyName": "Keïta", "sex": "F"]
                        body[probe.field] = value
                        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                        let response = try await client.execute(uri: "/api/v1/trainees", method: .post, headers: f.headers("admin", json: true), body: ByteBuffer(string: json))
                        #expect(response.status == expected, "\(probe.field) \(value.count) characters: \(String(buffer: response.body).prefix(300))")
                        if expected != .created { #expect(String(buffer: response.body).contains(probe.field)) }
                    }
                }
                var body = ["staffNumber": Self.staffNumber(99, length: 32), "givenName": "Awa", "familyName": "Keïta", "sex": "F"]
                let at = try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: f.headers("admin", json: true),
                    body: ByteBuffer(string: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
                #expect(at.status == .created)
                body["staffNumber"] = Self.staffNumber(99, length: 33)
                let over = try await client.execute(
                    uri: "/api/v1/trainees", method: .post, headers: f.headers("admin", json: true),
                    body: ByteBuffer(string: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
                #expect(over.status == .unprocessableContent)
            }
        }
    }

    /// PostgreSQL's own checks, without the validators in front: one character more is refused
    /// where sql/ has a length check.
    @Test func sqlChecksRefuseOneCharacterMore() async throws {
        try await TestDatabase.withPool { pool in
            let repository = PostgresRepository(pool: pool)
            func insert(_ number: String, _ probe: Probe?, _ value: String?) async throws {
                var trainee = Trainee(staffNumber: number, givenName: "Awa", familyName: "Keita", sex: .female)
                switch probe?.field {
                case "givenName": trainee.givenName = value ?? ""
                case "familyName": trainee.familyName = value ?? ""
                case "category": trainee.category = value
                case "position": trainee.position = value
                case "email": trainee.email = value
                case "phone": trainee.phone = value
                default: break
                }
                let stored = trainee
                try await repository.transaction { try await $0.insert(stored) }
            }
            for (index, probe) in Self.probes.enumerated() {
                try await insert(Self.staffNumber(index * 2), probe, probe.atLimit)
                // sql/0015_contact_checks.sql makes e-mail and phone as strict as the API.
                await #expect(throws: KalanError.self, "\(probe.field)") { try await insert(Self.staffNumber(index * 2 + 1), probe, probe.overLimit) }
            }
            try await insert(Self.staffNumber(99, length: 32), nil, nil)
            await #expect(throws: KalanError.self) { try await insert(Self.staffNumber(99, length: 33), nil, nil) }
        }
    }
}
