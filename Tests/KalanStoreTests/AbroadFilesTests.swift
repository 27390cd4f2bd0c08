import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Files abroad: opened for sessions outside Mali or long ones, extended later only, away, returning and overdue lists")
struct AbroadFilesTests {
    @Test func filesListWhoIsAwayWhoReturnsThisMonthAndWhoIsOverdue() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-TEH", from: "2030-03-04", to: "2030-03-22")
            let staff = try await f.staff(4)
            for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-TEH", actor: f.hr) }
            let files = AbroadFiles(repository: f.repository, clock: .fixed(Day("2030-04-10")!))
            let late = try await files.open(
                .init(
                    sessionCode: "S-TEH", staffNumber: staff[0], authorisationNumber: "2030-0142/MCENMA", authorisationDate: "2030-02-20", departsOn: "2030-03-02",
                    returnsOn: "2030-03-24", funding: "partner_scholarship"), actor: f.hr)
            let back = try await files.open(
                .init(sessionCode: "S-TEH", staffNumber: staff[1], departsOn: "2030-03-02", returnsOn: "2030-03-24", funding: "state"), actor: f.hr)
            let extended = try await files.open(
                .init(sessionCode: "S-TEH", staffNumber: staff[2], departsOn: "2030-03-02", returnsOn: "2030-03-24", funding: "self_funded"), actor: f.hr)
            try await files.recordResumption(fileID: back.id, on: "2030-03-25", actor: f.hr)
            try await files.extend(fileID: extended.id, to: "2030-04-20", reason: "Module 5G prolongé par le partenaire", actor: f.hr)
            #expect(try await files.list(.overdue, departmentCode: nil, actor: f.hr).map(\.staffNumber) == [staff[0]])
            #expect(Set(try await files.list(.away, departmentCode: nil, actor: f.hr).map(\.staffNumber)) == [staff[0], staff[2]])
            #expect(try await files.list(.returning, departmentCode: nil, actor: f.hr).map(\.staffNumber) == [staff[2]], "due on 20 April after its extension")
            #expect(try await files.list(.overdue, departmentCode: "DNT", actor: Actor(name: "user:v", role: .viewer)).count == 1)
            #expect(try await files.list(.all, departmentCode: "AUTRE", actor: f.hr).isEmpty)
            let read = try await files.file(id: extended.id, actor: f.hr)
            #expect(read.dueOn == Day("2030-04-20") && read.returnsOn == Day("2030-03-24") && read.extensions.map(\.reason) == ["Module 5G prolongé par le partenaire"])
            #expect(late.authorisationNumber == "2030-0142/MCENMA" && late.funding == .partnerScholarship && late.country == "IR")
            try await files.attachReport(fileID: back.id, name: "rapport-mission.pdf", data: Data("%PDF-1.7".utf8), actor: f.hr)
            #expect(try await files.report(fileID: back.id, actor: f.hr).name == "rapport-mission.pdf")
            await #expect(throws: KalanError.forbidden) { try await files.list(.overdue, departmentCode: nil, actor: Actor(name: "user:t", role: .trainer)) }
            #expect(try await f.count("audit_event WHERE action LIKE 'abroad.%'") == 6)
        }
    }

    @Test func refusalsNameTheFieldAndTheDatabaseHoldsTheRules() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-TEH", from: "2030-03-04", to: "2030-03-08")
            try await f.register.addSession(
                .init(
                    code: "S-BKO", courseCode: "TEL-FOND", partnerCode: "ITRC", startsOn: "2030-05-04", endsOn: "2030-05-08", mode: "in_person", city: "Bamako",
                    country: "ML", capacity: 10, enrolmentDeadline: nil, status: "open"), actor: f.admin)
            let staff = try await f.staff(2)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-TEH", actor: f.hr)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-BKO", actor: f.hr)
            let files = AbroadFiles(repository: f.repository, clock: .fixed(Day("2030-03-10")!))
            func field(_ input: AbroadFileInput) async -> String? {
                do {
                    _ = try await files.open(input, actor: f.hr)
                    return nil
                } catch let error as KalanError {
                    return error.field ?? "\(error)"
                } catch { return "\(error)" }
            }
            #expect(await field(.init(sessionCode: "S-BKO", staffNumber: staff[0], departsOn: "2030-05-03", returnsOn: "2030-05-09", funding: "state")) == "session")
            #expect(await field(.init(sessionCode: "S-TEH", staffNumber: staff[1], departsOn: "2030-03-03", returnsOn: "2030-03-09", funding: "state")) == "staff_number")
            #expect(await field(.init(sessionCode: "S-TEH", staffNumber: staff[0], departsOn: "2030-03-09", returnsOn: "2030-03-03", funding: "state")) == "returns_on")
            #expect(await field(.init(sessionCode: "S-TEH", staffNumber: staff[0], departsOn: "2030-03-03", returnsOn: "2030-03-09", funding: "loan")) == "funding")
            #expect(
                await field(.init(sessionCode: "S-TEH", staffNumber: staff[0], authorisationNumber: "12", departsOn: "2030-03-03", returnsOn: "2030-03-09", funding: "state")) == "authorisation_date")
            #expect(try await f.count("abroad_file") == 0)
            let file = try await files.open(.init(sessionCode: "S-TEH", staffNumber: staff[0], departsOn: "2030-03-03", returnsOn: "2030-03-09", funding: "state"), actor: f.hr)
            await #expect(throws: KalanError.invalid(field: "returns_on", problem: .order(mustFollow: "due_on"))) {
                try await files.extend(fileID: file.id, to: "2030-03-09", reason: "rien", actor: f.hr)
            }
            await #expect(throws: KalanError.invalid(field: "resumed_on", problem: .format(.notInFuture))) {
                try await files.recordResumption(fileID: file.id, on: "2030-03-11", actor: f.hr)
            }
            // The database itself: no file for a short session at home, no extension that moves the return earlier.
            let bko = try await f.pool.query("SELECT e.id FROM enrolment e JOIN training_session s ON s.id = e.session_id WHERE s.code = 'S-BKO'").first!.decode(
                "id", as: UUID.self)
            await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO abroad_file (enrolment_id, departs_on, returns_on, funding) VALUES (\(bko), '2030-05-03', '2030-05-09', 'state')")
            }
            await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO abroad_extension (file_id, returns_on, reason, recorded_by) VALUES (\(file.id), '2030-03-01', 'x', 't')")
            }
        }
    }
}
