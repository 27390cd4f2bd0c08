import Foundation
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

/// kalan serve's cooperation service tells the head and HR of an overdue file once, and the heads
/// of the departments whose unused places an offer releases (sql/migrations/0020_cooperation_notices.sql).
@Suite("Notices of cooperation: overdue files abroad, released offers")
struct CooperationNoticesTests {
    static let admin = Actor.commandLine(user: "test")

    static func rows(_ pool: PostgresPool) async throws -> [String] {
        try await pool.query(
            """
            SELECT kind || ' ' || recipient || ' ' || channel || ' ' || address || ' ' || coalesce(facts->>'due_on', facts->>'places', '') AS line
            FROM notice WHERE kind IN ('abroad_overdue', 'offer_released') ORDER BY id
            """
        ).map { try $0.decode("line", as: String.self) }
    }

    @Test func anOverdueFileIsToldOnceToTheHeadAndHRAndAReleasedOfferToTheHeads() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            _ = try await APIFixture.make(pool)
            let repository = PostgresRepository(pool: pool)
            try await PostgresNoticeOutbox(pool: pool).setDepartmentContact(
                code: "DNT", DepartmentContact(name: "Mme Diallo", email: "chef.dnt@example.ml", phone: "+223 70 00 00 01"), actor: Self.admin)
            try await pool.query("UPDATE app_user SET email = 'drh@example.ml' WHERE username = 'hr'")
            try await pool.query("UPDATE trainee SET department_id = (SELECT id FROM department WHERE code = 'DNT') WHERE staff_number IN ('T-21', 'T-22')")
            let offers = OfferPlaces(repository: repository, clock: APIFixture.clock)
            try await offers.create(
                .init(
                    code: "IR-1", partner: "ITRC", course: "TEL", title: "Bourses", city: "Tehran", country: "IR", places: 4, startsOn: "2027-06-10",
                    endsOn: "2027-06-20", deadline: "2027-06-05", releaseOn: "2027-06-01", partnerPays: []),
                actor: Self.admin)
            try await offers.share(offerCode: "IR-1", departmentCode: "DNT", places: 3, actor: Self.admin)
            try await offers.createSession(offerCode: "IR-1", sessionCode: "S-IR", actor: Self.admin)
            let workflow = EnrolmentWorkflow(repository: repository, clock: APIFixture.clock)
            for staff in ["T-21", "T-22"] { try await workflow.enrol(staffNumber: staff, sessionCode: "S-IR", actor: Self.admin) }
            let files = AbroadFiles(repository: repository, clock: APIFixture.clock)
            let late = try await files.open(
                .init(sessionCode: "S-IR", staffNumber: "T-21", departsOn: "2027-05-10", returnsOn: "2027-05-30", funding: "state"), actor: Self.admin)
            // Back on the day: never overdue.
            try await files.open(.init(sessionCode: "S-IR", staffNumber: "T-22", departsOn: "2027-05-10", returnsOn: "2027-06-01", funding: "state"), actor: Self.admin)
            let service = CooperationService(repository: repository, clock: APIFixture.clock, logger: Logger(label: "test"))
            // 1 June: the offer's day (DNT used 2 of its 3 places) and T-21 due back on 30 May.
            let first = try await service.round()
            #expect(first == .init(released: ["IR-1"], overdueNotices: 3), "\(first)")
            let rows = try await Self.rows(pool)
            #expect(
                rows == [
                    "offer_released head email chef.dnt@example.ml 1", "offer_released head sms +223 70 00 00 01 1",
                    "abroad_overdue head email chef.dnt@example.ml 2027-05-30", "abroad_overdue head sms +223 70 00 00 01 2027-05-30",
                    "abroad_overdue hr email drh@example.ml 2027-05-30",
                ], "\(rows)")
            // Told once: later rounds, and two servers at once, write nothing more.
            #expect(try await service.round() == .init(released: [], overdueNotices: 0))
            async let a = service.round()
            async let b = service.round()
            #expect(try await [a, b].map(\.overdueNotices) == [0, 0])
            // T-22 back on duty on 31 May: on 2 June, still nothing; an extension for T-21 to 5 June, overdue
            // again on the 6th: told again.
            try await files.recordResumption(
                fileID: try #require(try await files.list(.all, departmentCode: nil, actor: Self.admin).first { $0.staffNumber == "T-22" }).id, on: "2027-05-31", actor: Self.admin)
            try await files.extend(fileID: late.id, to: "2027-06-05", reason: "Stage prolongé", actor: Self.admin)
            let june2 = CooperationService(repository: repository, clock: .fixed(Day("2027-06-02")!), logger: Logger(label: "test"))
            #expect(try await june2.round().overdueNotices == 0)
            let june6 = CooperationService(repository: repository, clock: .fixed(Day("2027-06-06")!), logger: Logger(label: "test"))
            #expect(try await june6.round().overdueNotices == 3)
            #expect(try await Self.rows(pool).suffix(3).allSatisfy { $0.hasSuffix("2027-06-05") })
            // The notices read back as the senders read them.
            let read = try await PostgresNoticeOutbox(pool: pool).notices(NoticeFilter(sessionCode: "S-IR"))
            let overdue = read.filter { $0.kind == .abroadOverdue }
            #expect(overdue.count == 6, "\(read.map { "\($0.kind) \($0.recipient)" })")
            #expect(overdue.allSatisfy { $0.facts.staffNumber == "T-21" && $0.facts.dueOn != nil })
            #expect(read.filter { $0.kind == .offerReleased }.allSatisfy { $0.facts.offer == "IR-1" && $0.facts.places == 1 && $0.recipient == .head })
            #expect(overdue.contains { $0.recipient == .hr && $0.recipientName == "hr" })
        }
    }
}
