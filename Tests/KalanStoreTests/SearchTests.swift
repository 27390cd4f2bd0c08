import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Register search people can use: accents, case, names in either order, staff numbers; imports by department name")
struct SearchTests {
    static func people(_ f: WorkflowFixture) async throws {
        try await f.repository.transaction { work in
            let department = try await work.department(code: "DNT")
            for (number, given, family, sex) in [
                ("MCE-2019-00123", "Moussa", "Sylla", "M"), ("MCE-2020-00007", "Aminata", "Traoré", "F"), ("MCE-2021-00042", "Djénéba", "N'Diaye", "F"),
                ("MCE-2021-00043", "Sylla", "Moussa", "M"), ("MCE-2022-00001", "Oumar", "Maïga", "M"),
            ] {
                try await work.insert(Trainee(staffNumber: number, givenName: given, familyName: family, sex: Sex(rawValue: sex)!, departmentID: department?.id))
            }
        }
    }

    struct Found: Equatable {
        var numbers: [String]
        var count: Int
    }

    func find(_ f: WorkflowFixture, _ search: String) async throws -> Found {
        try await f.repository.transaction { work in
            let filter = TraineeFilter(search: search, limit: 50)
            return Found(numbers: try await work.trainees(filter).map(\.staffNumber), count: try await work.traineeCount(filter))
        }
    }

    @Test func theThreeExamplesOfTheIssueFind() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await Self.people(f)
            #expect(try await find(f, "traore") == Found(numbers: ["MCE-2020-00007"], count: 1))
            #expect(try await find(f, "TRAORÉ").numbers == ["MCE-2020-00007"])
            // Both orders find both people whose names are Moussa and Sylla.
            #expect(try await find(f, "Moussa Sylla") == Found(numbers: ["MCE-2019-00123", "MCE-2021-00043"], count: 2))
            #expect(try await find(f, "sylla moussa").count == 2)
            #expect(try await find(f, "mce-2019-00123") == Found(numbers: ["MCE-2019-00123"], count: 1))
            #expect(try await find(f, "ndiaye").numbers == ["MCE-2021-00042"])
            #expect(try await find(f, "n'diaye").numbers == ["MCE-2021-00042"])
            #expect(try await find(f, "maiga oumar").numbers == ["MCE-2022-00001"])
            #expect(try await find(f, "50%_\\").count == 0)
            #expect(try await find(f, "").count == 5)
        }
    }

    @Test func theSearchCanUseTheTrigramIndex() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await Self.people(f)
            // With sequential scans ruled out, the plan must go through trainee_search_idx: the
            // expression the query uses is the indexed one.
            let plan = try await pool.withConnection { connection in
                try await connection.query("SET enable_seqscan = off")
                let lines = try await connection.query(
                    "EXPLAIN SELECT staff_number FROM trainee t WHERE public.kalan_trainee_key(t.family_name, t.given_name, t.staff_number) LIKE '%' || public.kalan_fold(\("traoré")) || '%'"
                ).map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
                try await connection.query("RESET enable_seqscan")
                return lines
            }
            #expect(plan.contains("trainee_search_idx"), "\(plan)")
        }
    }

    @Test func anImportNamesTheDepartmentByCodeOrNameAndConvertsWindows1252() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            var file = Data("Matricule;Prénom;Nom;Sexe;Direction;Observations\r\n".unicodeScalars.map { UInt8($0.value) })
            file.append(contentsOf: "MCE-001;Aminata;Touré;F;dnt;\r\n".unicodeScalars.map { UInt8($0.value) })
            file.append(contentsOf: "MCE-002;Djénéba;Maïga;F;DIRECTION NATIONALE DES TELECOMMUNICATIONS;ok\r\n".unicodeScalars.map { UInt8($0.value) })
            file.append(contentsOf: "MCE-003;Oumar;Keïta;M;Telecoms;\r\n".unicodeScalars.map { UInt8($0.value) })
            let summary = try await TraineeRegister(repository: f.repository).importSheet(file, actor: f.hr)
            #expect(summary.inserted == 3 && summary.source == .windows1252)
            #expect(summary.warnings.map(\.column) == ["Observations"])
            let stored = try await pool.query(
                "SELECT t.family_name, d.code FROM trainee t JOIN department d ON d.id = t.department_id ORDER BY t.staff_number"
            ).map { "\(try $0.decode("family_name", as: String.self)) \(try $0.decode("code", as: String.self))" }
            #expect(stored == ["Touré DNT", "Maïga DNT", "Keïta DNT"])
            // An unknown department is named with the file's own header, and nothing is kept.
            let bad = Data("Matricule;Prénom;Nom;Sexe;Service\nMCE-009;Awa;Diarra;F;Inconnu\n".utf8)
            let error = await #expect(throws: ImportRejected.self) { try await TraineeRegister(repository: f.repository).importSheet(bad, actor: f.hr) }
            #expect(error?.problems == [ImportProblem(line: 2, column: "Service", value: "Inconnu", reason: .unknownDepartment)])
            #expect(try await f.count("trainee") == 3)
        }
    }
}
