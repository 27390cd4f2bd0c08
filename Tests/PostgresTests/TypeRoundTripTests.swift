import Foundation
import KalanTestSupport
import Postgres
import Testing

@Suite("Postgres: every type survives a round trip")
struct TypeRoundTripTests {
    func echo<T: PostgresCodable>(_ value: T, _ cast: String) async throws -> T {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let row = try #require(try await pool.query("SELECT \(value)::\(unescaped: cast) AS v").first)
            return try row.decode("v", as: T.self)
        }
    }

    @Test func scalarsRoundTrip() async throws {
        #expect(try await echo(true, "bool") == true)
        #expect(try await echo(false, "bool") == false)
        #expect(try await echo(Int.max, "int8") == Int.max)
        #expect(try await echo(Int32.min, "int4") == Int32.min)
        #expect(try await echo(Int64(-42), "int8") == -42)
        #expect(try await echo(3.141592653589793, "float8") == 3.141592653589793)
        let id = UUID()
        #expect(try await echo(id, "uuid") == id)
        let bytes = Data([0, 1, 2, 0xfe, 0xff, 0x5c, 0x27])
        #expect(try await echo(bytes, "bytea") == bytes)
        let day = try #require(CalendarDate(year: 2024, month: 2, day: 29))
        #expect(try await echo(day, "date") == day)
    }

    @Test func uuidsAreReadByHandInEitherCaseAndMalformedOnesAreRefused() throws {
        let id = try #require(UUID(uuidString: "0F8FAD5B-D9CB-469F-A165-70867728950E"))
        #expect(try UUID(postgresText: "0f8fad5b-d9cb-469f-a165-70867728950e", type: .uuid) == id)
        #expect(try UUID(postgresText: "0F8FAD5B-D9CB-469F-A165-70867728950E", type: .uuid) == id)
        for _ in 0..<100 {
            let any = UUID()
            #expect(try UUID(postgresText: any.uuidString.lowercased(), type: .uuid) == any)
        }
        for bad in ["", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5bd-9cb-469f-a165-70867728950e", "0g8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950é"] {
            #expect(throws: PostgresDecodingFailure.self) { try UUID(postgresText: bad, type: .uuid) }
        }
    }

    @Test func byteaOfAMegabyteRoundTripsAndMalformedHexIsRefused() async throws {
        let big = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        #expect(try await echo(big, "bytea") == big)
        #expect(try Data(postgresText: "\\x", type: .bytea) == Data())
        #expect(try Data(postgresText: "\\xDEadBe", type: .bytea) == Data([0xde, 0xad, 0xbe]))
        for bad in ["", "x00", "\\x0", "\\x0g", "\\x00é"] {
            #expect(throws: PostgresDecodingFailure.self) { try Data(postgresText: bad, type: .bytea) }
        }
    }

    @Test func textKeepsAccentsApostrophesAndEmoji() async throws {
        for name in ["Touré", "Maïga", "N'Diaye", "Ag Ilyène", "Ségou 🇲🇱 ✓", "日本語", ""] {
            #expect(try await echo(name, "text") == name)
        }
    }

    @Test func nullRoundTripsAsNil() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let none: String? = nil
            let noDate: Date? = nil
            let row = try #require(try await pool.query("SELECT \(none)::text AS a, \(noDate) AS b, \(Int?.some(7)) AS c").first)
            #expect(try row.decode("a", as: String?.self) == nil)
            #expect(try row.decode("b", as: Date?.self) == nil)
            #expect(try row.decode("c", as: Int?.self) == 7)
            #expect(throws: PostgresError.self) { try row.decode("a", as: String.self) }
        }
    }

    @Test func arraysRoundTrip() async throws {
        let texts = ["a", "b,c", "d\"e", "f\\g", "Touré", "{x}", "NULL"]
        #expect(try await echo(texts, "text[]") == texts)
        #expect(try await echo([String](), "text[]") == [])
        let ids = [UUID(), UUID()]
        #expect(try await echo(ids, "uuid[]") == ids)
        #expect(try await echo([1, -2, 3], "int8[]") == [1, -2, 3])
        #expect(try await echo([Int32(4), 5], "int4[]") == [4, 5])
    }

    @Test func jsonbRoundTrips() async throws {
        struct Payload: Codable, Equatable {
            var name: String
            var hours: Int
        }
        let json = try PostgresJSON(encoding: Payload(name: "Cybersécurité", hours: 40))
        let back = try await echo(json, "jsonb")
        #expect(try back.decode(Payload.self) == Payload(name: "Cybersécurité", hours: 40))
    }

    @Test func timestamptzIsTheSameInstantInEveryTimeZone() async throws {
        let instant = Date(timeIntervalSince1970: 1_732_440_000.123456)
        for zone in ["UTC", "Africa/Bamako", "Asia/Tehran", "Europe/Moscow", "America/St_Johns", "Pacific/Kiritimati"] {
            try await TestDatabase.withPool(maxConnections: 1) { pool in
                try await pool.withConnection { connection in
                    try await connection.run("SET TIME ZONE '\(zone)'")
                    let row = try #require(try await connection.query("SELECT \(instant) AS t, \(instant)::text AS shown").first)
                    let back = try row.decode("t", as: Date.self)
                    #expect(abs(back.timeIntervalSince(instant)) < 0.000001, "zone \(zone)")
                }
            }
        }
        #expect(try await echo(Date.distantFuture, "timestamptz") == .distantFuture)
    }

    @Test func decodingErrorNamesColumnAndTypesButNotTheValue() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let row = try #require(try await pool.query("SELECT 'secret-value'::text AS staff_number").first)
            let error = try #require(throws: PostgresError.self) { try row.decode("staff_number", as: Int.self) }
            #expect(error.description.contains("staff_number"))
            #expect(error.description.contains("text"))
            #expect(error.description.contains("Int"))
            #expect(!error.description.contains("secret-value"))
        }
    }
}
