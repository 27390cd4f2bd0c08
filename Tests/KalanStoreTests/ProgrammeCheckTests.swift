import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Testing

/// A programme is checked by one validation whether it is created or edited: the same fields
/// refused the same way, a partner named twice kept once.
@Suite("Programmes: one validation for creation and edit")
struct ProgrammeCheckTests {
    func input(partners: [String], nameFR: String = "Programme 5G", endsOn: String = "2031-12-31") -> Register.ProgrammeInput {
        Register.ProgrammeInput(
            code: "P-5G", nameFR: nameFR, nameEN: nil, startsOn: "2030-01-01", endsOn: endsOn, domains: ["5g"], targetTrainees: 40, partnerCodes: partners)
    }

    @Test func aPartnerNamedTwiceIsKeptOnceOnCreationAsOnEdit() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let created = try await f.register.addProgramme(input(partners: ["ITRC", "itrc", " ITRC "]), actor: f.admin)
            #expect(created.partnerIDs.count == 1)
            let edited = try await f.register.updateProgramme(input(partners: ["ITRC", "ITRC"]), actor: f.admin)
            #expect(edited.partnerIDs.count == 1)
        }
    }

    @Test func creationAndEditRefuseTheSameFieldsAlike() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.register.addProgramme(input(partners: []), actor: f.admin)
            for bad in [input(partners: [], nameFR: " "), input(partners: [], endsOn: "2029-01-01"), input(partners: ["NOPE"])] {
                var creating = bad
                creating.code = "P-NEW"
                let onCreate = await #expect(throws: KalanError.self) { try await f.register.addProgramme(creating, actor: f.admin) }
                let onEdit = await #expect(throws: KalanError.self) { try await f.register.updateProgramme(bad, actor: f.admin) }
                #expect(onCreate?.field == onEdit?.field)
            }
        }
    }
}
