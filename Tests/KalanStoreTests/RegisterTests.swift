import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Register: names kept exactly, bad input named and refused")
struct RegisterTests {
    @Test func namesAreStoredInNFCAndRenderedExactly() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let decomposed = "Direction de l'e\u{301}conomie nume\u{301}rique"
            let d = try await f.register.addDepartment(code: "dnen", nameFR: decomposed, nameEN: nil, kind: "direction", parentCode: "DNT", actor: f.admin)
            #expect(d.code == "DNEN")
            let stored = try await pool.query("SELECT name_fr FROM department WHERE code = 'DNEN'").first!.decode("name_fr", as: String.self)
            #expect(stored == "Direction de l'économie numérique")
            #expect(Array(stored.unicodeScalars) == Array(decomposed.precomposedStringWithCanonicalMapping.unicodeScalars))
        }
    }

    @Test func badFieldsAreRefusedWithTheirName() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            await #expect(throws: KalanError.invalid(field: "country", problem: .format(.country))) {
                try await f.register.addPartner(code: "X", name: "X", kind: "university", country: "Iran", actor: f.admin)
            }
            await #expect(throws: KalanError.invalid(field: "ends_on", problem: .order(mustFollow: "starts_on"))) {
                try await f.register.addSession(
                    .init(code: "S-BAD", courseCode: "TEL-FOND", partnerCode: "ITRC", startsOn: "2030-03-08", endsOn: "2030-03-04", mode: "online", capacity: 5), actor: f.admin)
            }
            await #expect(throws: KalanError.invalid(field: "capacity", problem: .range(min: 1, max: 10_000))) {
                try await f.register.addSession(
                    .init(code: "S-BAD", courseCode: "TEL-FOND", partnerCode: "ITRC", startsOn: "2030-03-04", endsOn: "2030-03-08", mode: "online", capacity: 0), actor: f.admin)
            }
            await #expect(throws: KalanError.duplicate(.partner, key: "ITRC")) {
                try await f.register.addPartner(code: "itrc", name: "Doublon", kind: "government", country: "IR", actor: f.admin)
            }
            #expect(try await f.count("training_session") == 0)
        }
    }

    @Test func sessionStatusFollowsItsLifecycle() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            try await f.register.moveSession(code: "S-1", to: .inProgress, actor: f.admin)
            await #expect(throws: KalanError.rule(.sessionTransition(from: .inProgress, to: .open))) {
                try await f.register.moveSession(code: "S-1", to: .open, actor: f.admin)
            }
            #expect(try await f.register.moveSession(code: "S-1", to: .completed, actor: f.admin).status == .completed)
        }
    }
}
