import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Synchronization
import Testing

@Suite("Staff import: all or nothing through COPY, upsert by staff number, audited")
struct TraineeImportTests {
    static let good = "\u{FEFF}Matricule;Prénom;Nom;Sexe;Direction\r\nMCE-001;Aminata;Touré;F;DNT\r\nMCE-002;Mohamed;Ag Ilyène;M;DNT\r\nMCE-003;Djénéba;N'Diaye;F;\r\n"

    @Test func goodFileIsStoredWithAccentsAndAudited() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let summary = try await TraineeRegister(repository: f.repository).importSheet(Data(Self.good.utf8), actor: f.hr)
            #expect(summary == TraineeImportSummary(inserted: 3, updated: 0, unchanged: 0, unknownDepartments: []))
            let names = try await pool.query("SELECT family_name FROM trainee ORDER BY staff_number").map { try $0.decode("family_name", as: String.self) }
            #expect(names == ["Touré", "Ag Ilyène", "N'Diaye"])
            // One audit row for the file names every staff member it created (issue 14).
            let created = try await pool.query("SELECT after->'staff_numbers' AS numbers FROM audit_event WHERE action = 'trainee.import.create' AND actor = 'user:awa.hr'")
            #expect(created.count == 1)
            #expect(created.first?["numbers"] == #"["MCE-001", "MCE-002", "MCE-003"]"#)
            let analysed = try await pool.query("SELECT last_analyze IS NOT NULL AS done FROM pg_stat_user_tables WHERE relname = 'trainee'").firstRow()
            #expect(try analysed.decode("done", as: Bool.self), "the import ran ANALYZE on the staff register")
        }
    }

    @Test func importReportsProgressUpToEveryRowInOrder() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let lines = (1...12_000).map { "MCE-\($0);Awa;Traoré;F;DNT" }
            let sheet = "Matricule;Prénom;Nom;Sexe;Direction\n" + lines.joined(separator: "\n")
            let seen = Mutex<[Int]>([])
            let summary = try await TraineeRegister(repository: f.repository).importSheet(Data(sheet.utf8), actor: f.hr) { done, total in
                #expect(total == 12_000)
                seen.withLock { $0.append(done) }
            }
            #expect(summary.inserted == 12_000)
            let reports = seen.withLock { $0 }
            #expect(reports == reports.sorted() && reports.first == 0 && reports.last == 12_000 && reports.count >= 3)
        }
    }

    @Test func reimportUpdatesChangedLinesOnlyByStaffNumber() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let register = TraineeRegister(repository: f.repository)
            try await register.importSheet(Data(Self.good.utf8), actor: f.hr)
            let changed = Self.good.replacingOccurrences(of: "MCE-002;Mohamed", with: "MCE-002;Mohamed Lamine")
            let summary = try await register.importSheet(Data(changed.utf8), actor: f.hr)
            #expect(summary == TraineeImportSummary(inserted: 0, updated: 1, unchanged: 2, unknownDepartments: []))
            #expect(try await f.count("trainee") == 3)
            let audit = try await pool.query("SELECT before->>'given_name' AS b, after->>'given_name' AS a FROM audit_event WHERE action = 'trainee.import.update'")
            #expect(audit.first?["b"] == "Mohamed" && audit.first?["a"] == "Mohamed Lamine")
        }
    }

    @Test func oneBadLineRejectsTheWholeFileAndKeepsNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let bad = Self.good + "MCE-004;Oumar;Maïga;X;DNT\r\n"
            let error = await #expect(throws: ImportRejected.self) {
                try await TraineeRegister(repository: f.repository).importSheet(Data(bad.utf8), actor: f.hr)
            }
            #expect(error?.problems == [ImportProblem(line: 5, column: "Sexe", value: "X", reason: .format(.sex))])
            #expect(try await f.count("trainee") == 0)
            #expect(try await f.count("audit_event WHERE entity = 'trainee'") == 0)
        }
    }

    @Test func unknownDepartmentRejectsTheFileWithItsLine() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let bad = Self.good.replacingOccurrences(of: "MCE-002;Mohamed;Ag Ilyène;M;DNT", with: "MCE-002;Mohamed;Ag Ilyène;M;NOPE")
            let error = await #expect(throws: ImportRejected.self) {
                try await TraineeRegister(repository: f.repository).importSheet(Data(bad.utf8), actor: f.hr)
            }
            #expect(error?.problems == [ImportProblem(line: 3, column: "Direction", value: "NOPE", reason: .unknownDepartment)])
            #expect(try await f.count("trainee") == 0)
        }
    }

    @Test func dryRunValidatesAgainstTheRegisterButStoresNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let summary = try await TraineeRegister(repository: f.repository).importSheet(Data(Self.good.utf8), dryRun: true, actor: f.hr)
            #expect(summary.inserted == 3)
            #expect(try await f.count("trainee") == 0)
        }
    }
}
