import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Offers: places shared among departments, filled by nominations, released to everyone on their day")
struct OfferPlacesTests {
    @Test func sharesLimitEachDepartmentUntilTheReleaseThenThePlacesAreEveryones() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.register.addDepartment(code: "AGETIC", nameFR: "AGETIC", nameEN: "AGETIC", kind: "agency", parentCode: nil, actor: f.admin)
            let offers = OfferPlaces(repository: f.repository, clock: .fixed(Day("2030-02-16")!))
            let offer = try await offers.create(
                .init(
                    code: "IR-5G-2030", partner: "ITRC", course: "TEL-FOND", title: "Bourses télécoms à Téhéran", city: "Tehran", country: "IR", places: 4,
                    startsOn: "2030-03-04", endsOn: "2030-03-22", deadline: "2030-02-20", releaseOn: "2030-02-15", partnerPays: ["tuition", "lodging", "travel"]),
                actor: f.hr)
            #expect(offer.abroad && offer.partnerPays == [.tuition, .travel, .lodging] && offer.ministryPays == [.allowances, .venue, .other])
            try await offers.share(offerCode: "IR-5G-2030", departmentCode: "DNT", places: 2, actor: f.hr)
            try await offers.share(offerCode: "IR-5G-2030", departmentCode: "AGETIC", places: 1, actor: f.hr)
            await #expect(throws: KalanError.invalid(field: "places", problem: .range(min: 0, max: 2))) {
                try await offers.share(offerCode: "IR-5G-2030", departmentCode: "AGETIC", places: 3, actor: f.hr)
            }
            let session = try await offers.createSession(offerCode: "IR-5G-2030", sessionCode: "S-IR-5G", actor: f.hr)
            #expect(session.capacity == 4 && session.country == "IR" && session.enrolmentDeadline == Day("2030-02-20"))
            let staff = try await f.staff(3)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-IR-5G", actor: f.hr)
            try await f.workflow.enrol(staffNumber: staff[1], sessionCode: "S-IR-5G", actor: f.hr)
            // DNT's two places are taken: a third nomination from DNT is refused by the database.
            await #expect(throws: KalanError.invalid(field: "offer_share", problem: .format(.freeSharePlace))) {
                try await f.workflow.enrol(staffNumber: staff[2], sessionCode: "S-IR-5G", actor: f.hr)
            }
            let read = try await offers.offer(code: "IR-5G-2030", actor: Actor(name: "user:v", role: .viewer))
            #expect(read.shares.map { "\($0.departmentCode) \($0.taken)/\($0.places)" } == ["AGETIC 0/1", "DNT 2/2"] && read.sessionCodes == ["S-IR-5G"])
            await #expect(throws: KalanError.invalid(field: "places", problem: .range(min: 2, max: 4))) {
                try await offers.share(offerCode: "IR-5G-2030", departmentCode: "DNT", places: 1, actor: f.hr)
            }
            // The release day (15 February) has come: the unused place goes to everyone.
            #expect(try await offers.releaseDue(actor: f.hr) == ["IR-5G-2030"])
            #expect(try await offers.releaseDue(actor: f.hr) == [])
            try await f.workflow.enrol(staffNumber: staff[2], sessionCode: "S-IR-5G", actor: f.hr)
            #expect(try await f.count("enrolment WHERE status = 'enrolled'") == 3)
            await #expect(throws: KalanError.forbidden) { try await offers.list(actor: Actor(name: "user:t", role: .trainer)) }
        }
    }

    @Test func aBadOfferIsRefusedNamingItsField() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let offers = OfferPlaces(repository: f.repository, clock: .fixed(Day("2030-01-01")!))
            func field(_ change: (inout OfferInput) -> Void) async -> String? {
                var input = OfferInput(
                    code: "OK", partner: "ITRC", course: "TEL-FOND", title: "Offre", city: nil, country: "RU", places: 3, startsOn: "2030-03-04",
                    endsOn: "2030-03-08", deadline: "2030-02-20", releaseOn: "2030-02-25", partnerPays: [])
                change(&input)
                do {
                    _ = try await offers.create(input, actor: f.hr)
                    return nil
                } catch let error as KalanError { return error.field ?? "\(error)" } catch { return "\(error)" }
            }
            #expect(await field { $0.places = 0 } == "places")
            #expect(await field { $0.country = "Russie" } == "country")
            #expect(await field { $0.deadline = "2030-03-05" } == "deadline")
            #expect(await field { $0.releaseOn = "2030-04-01" } == "release_on")
            #expect(await field { $0.endsOn = "2030-03-01" } == "ends_on")
            #expect(await field { $0.partner = "NOPE" } == "partner")
            #expect(await field { $0.partnerPays = ["food"] } == "partner_pays")
            #expect(await field { $0.code = "a b" } == "code")
            #expect(try await f.count("offer") == 0)
        }
    }
}
