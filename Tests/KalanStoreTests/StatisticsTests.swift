import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanCore
import KalanFiles
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Cohort statistics: counts, rates, scores and certificates add up per group and in total")
struct StatisticsTests {
    /// Two sessions of TEL-FOND (March and May 2030) with six staff each; in March: 4 completed,
    /// 1 failed, 1 withdrawn; in May: everyone still enrolled. MCE-0001, -0004, -0007, -0010 are women.
    func cohort(_ f: WorkflowFixture) async throws {
        try await f.session("S-MAR", from: "2030-03-04", to: "2030-03-08")
        try await f.session("S-MAY", from: "2030-05-06", to: "2030-05-10", deadline: "2030-04-20")
        let staff = try await f.staff(12)
        for number in staff[0..<6] { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-MAR", actor: f.hr) }
        for number in staff[6..<12] { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-MAY", actor: f.hr) }
        let days = (4...8).map { Day(year: 2030, month: 3, day: $0)! }
        // Present 5, 4, 4, 4, 2 days out of 5 for the first five; the sixth withdraws.
        for (number, present) in zip(staff[0..<5], [5, 4, 4, 4, 2]) {
            let marks = days.enumerated().map { i, day in ResultsRecording.AttendanceMark(staffNumber: number, day: day, status: i < present ? .present : .absent) }
            try await f.results.recordAttendance(sessionCode: "S-MAR", marks: marks, actor: f.hr)
            try await f.results.recordScore(sessionCode: "S-MAR", staffNumber: number, kind: .pre, score: 40, actor: f.hr)
            try await f.results.recordScore(sessionCode: "S-MAR", staffNumber: number, kind: .post, score: 70, actor: f.hr)
            try await f.results.complete(sessionCode: "S-MAR", staffNumber: number, actor: f.hr)
        }
        try await f.workflow.withdraw(staffNumber: staff[5], sessionCode: "S-MAR", reason: "mission", actor: f.hr)
        let issuing = CertificateIssuing(
            repository: f.repository, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "https://k.ml"), serialPrefix: "KLN", publicURL: "https://k.ml",
            clock: .fixed(Day("2030-03-09")!))
        let issued = try await issuing.issueSession(code: "S-MAR", actor: f.hr)
        try await issuing.revoke(serial: issued[0].certificate.serial, reason: "erreur de saisie", actor: f.admin)
    }

    @Test func groupsBySessionAndTheTotalAddUp() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await cohort(f)
            let report = try await CohortStatistics(repository: f.repository).cohorts(CohortQuery(by: [.session]), actor: f.hr)
            #expect(report.groups.map(\.group) == [["S-MAR"], ["S-MAY"]])
            let march = report.groups[0], may = report.groups[1]
            #expect(march.enrolments == 6 && march.trainees == 6 && march.women == 2)
            #expect(march.statuses["completed"] == 4 && march.statuses["failed"] == 1 && march.statuses["withdrawn"] == 1)
            #expect(march.completionRate == 4.0 / 6.0)
            #expect(march.passRate == 0.8)
            #expect(march.presentDays == 19 && march.markedDays == 25)
            #expect(march.meanPreScore == 40 && march.meanPostScore == 70 && march.meanGain == 30)
            #expect(march.certificatesIssued == 4 && march.certificatesRevoked == 1)
            #expect(may.enrolments == 6 && may.statuses["enrolled"] == 6 && may.passRate == nil && may.meanGain == nil)
            #expect(report.total.enrolments == 12 && report.total.trainees == 12 && report.total.women == 4)
            #expect(report.total.certificatesIssued == 4 && report.total.statuses["completed"] == 4)
        }
    }

    @Test func groupsBySexAndMonthWithFiltersAndNoGroupingGivesTheTotalOnly() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await cohort(f)
            let stats = CohortStatistics(repository: f.repository)
            let bySex = try await stats.cohorts(CohortQuery(by: [.month, .sex]), actor: f.hr)
            #expect(bySex.groups.map(\.group) == [["2030-03", "F"], ["2030-03", "M"], ["2030-05", "F"], ["2030-05", "M"]])
            #expect(bySex.groups.map(\.enrolments) == [2, 4, 2, 4])
            let onlyMay = try await stats.cohorts(CohortQuery(from: Day("2030-04-01")), actor: f.hr)
            #expect(onlyMay.groups.isEmpty && onlyMay.total.enrolments == 6)
            let none = try await stats.cohorts(CohortQuery(by: [.course], courseCode: "5G-NET"), actor: f.hr)
            #expect(none.groups.isEmpty && none.total.enrolments == 0 && none.total.completionRate == nil)
        }
    }

    @Test func programmeProgressCountsDistinctStaffWhoCompletedAgainstTheTarget() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.register.addProgramme(
                .init(
                    code: "ML-IR", nameFR: "Coopération Mali–Iran", nameEN: nil, startsOn: "2030-01-01", endsOn: "2030-12-31", domains: ["telecoms"],
                    targetTrainees: 8, partnerCodes: ["ITRC"]), actor: f.admin)
            try await f.register.addProgramme(
                .init(
                    code: "NO-TARGET", nameFR: "Sans cible", nameEN: nil, startsOn: "2030-06-01", endsOn: "2030-12-31", domains: [], targetTrainees: 0,
                    partnerCodes: []), actor: f.admin)
            try await f.register.addSession(
                .init(
                    code: "S-PROG", courseCode: "TEL-FOND", partnerCode: "ITRC", programmeCode: "ML-IR", startsOn: "2030-03-04", endsOn: "2030-03-08",
                    mode: "online", capacity: 10, enrolmentDeadline: "2030-02-20", status: "open"), actor: f.admin)
            try await f.session("S-OTHER", from: "2030-05-06", to: "2030-05-10", deadline: "2030-04-20")
            let staff = try await f.staff(4)
            for number in staff[0..<3] { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-PROG", actor: f.hr) }
            try await f.workflow.enrol(staffNumber: staff[3], sessionCode: "S-OTHER", actor: f.hr)
            for number in staff[0..<2] { try await f.results.complete(sessionCode: "S-PROG", staffNumber: number, actor: f.hr, override: (.completed, "test")) }
            try await f.results.complete(sessionCode: "S-OTHER", staffNumber: staff[3], actor: f.hr, override: (.completed, "test"))
            let stats = CohortStatistics(repository: f.repository)
            let progress = try await stats.programmeProgress(actor: f.hr)
            #expect(progress.map(\.code) == ["ML-IR", "NO-TARGET"])
            #expect(progress[0].trained == 2 && progress[0].enrolled == 3 && progress[0].progress == 0.25, "the other session's completion is not the programme's")
            #expect(progress[1].trained == 0 && progress[1].progress == nil)
            let byProgramme = try await stats.cohorts(CohortQuery(by: [.programme]), actor: f.hr)
            #expect(byProgramme.groups.map(\.group) == [[""], ["ML-IR"]])
            await #expect(throws: KalanError.forbidden) { try await stats.programmeProgress(actor: Actor(name: "user:t", role: .trainer)) }
        }
    }

    @Test func kalanStatsPrintsCSVJSONAndAWorkbookAndNamesABadDimension() async throws {
        try #require(KalanProcess.isBuilt, "kalan must be built beside the tests (swift build --build-tests)")
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 2)
        let f = try await WorkflowFixture.make(pool)
        try await cohort(f)
        await pool.close()
        let common = ["--database-url", url, "--log-level", "error", "--lang", "en"]
        let csv = try await KalanProcess.run(["stats", "cohorts", "--by", "session", "--format", "csv"] + common)
        #expect(csv.code == 0, "\(csv.output)")
        #expect(csv.output.contains("session,enrolments,staff,women %") && csv.output.contains("S-MAR,6,6,33.3,4,1,1,66.7,80.0,76.0,40.0,70.0,30.0,4,1"))
        let json = try await KalanProcess.run(["stats", "cohorts", "--format", "json"] + common)
        #expect(json.output.contains("\"enrolments\" : 12") && json.output.contains("\"completionRate\""))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-\(UUID().uuidString.prefix(8)).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await KalanProcess.run(["stats", "cohorts", "--by", "sex", "--xlsx", path] + common).code == 0)
        #expect(FileManager.default.contents(atPath: path)?.prefix(2) == Data([0x50, 0x4B]))
        let bad = try await KalanProcess.run(["stats", "cohorts", "--by", "colour"] + common)
        #expect(bad.code == 2 && bad.output.contains("by"))
        let open = try await KalanProcess.run(["session", "list", "--from", "2030-04-01", "--format", "csv"] + common)
        #expect(open.output.contains("S-MAY") && !open.output.contains("S-MAR"), "\(open.output)")
        // --format json speaks like the API: camelCase keys, numbers, booleans and null.
        let sessions = try await KalanProcess.run(["session", "list", "--format", "json"] + common)
        let sessionObjects = try #require(try JSONSerialization.jsonObject(with: Data(sessions.output.utf8)) as? [[String: Any]], "\(sessions.output)")
        let may = try #require(sessionObjects.first { $0["code"] as? String == "S-MAY" })
        #expect(may["startsOn"] is String && may["endsOn"] is String && may["from"] == nil)
        #expect(may["capacity"] is Int)
        let trainees = try await KalanProcess.run(["trainee", "list", "--format", "json"] + common)
        let traineeObjects = try #require(try JSONSerialization.jsonObject(with: Data(trainees.output.utf8)) as? [[String: Any]], "\(trainees.output)")
        let first = try #require(traineeObjects.first)
        #expect(first["staffNumber"] is String && first["staff_number"] == nil)
        #expect(first["active"] is Bool && !(first["active"] is String), "a boolean, not the text \"true\"")
        #expect(first["email"] is NSNull)
    }

    @Test func badQueriesNameTheirField() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let stats = CohortStatistics(repository: f.repository)
            await #expect(throws: KalanError.invalid(field: "by", problem: .format(.eachDimensionOnce))) {
                try await stats.cohorts(CohortQuery(by: [.sex, .sex]), actor: f.hr)
            }
            await #expect(throws: KalanError.invalid(field: "to", problem: .order(mustFollow: "from"))) {
                try await stats.cohorts(CohortQuery(from: Day("2030-05-01"), to: Day("2030-04-01")), actor: f.hr)
            }
            await #expect(throws: KalanError.self) { try await stats.cohorts(CohortQuery(courseCode: "'; DROP TABLE enrolment; --"), actor: f.hr) }
        }
    }

    @Test func reportAsXLSXOpensInOpenpyxlWithNumbersAccentsAndTheTotal() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await cohort(f)
            let report = try await CohortStatistics(repository: f.repository).cohorts(CohortQuery(by: [.session, .sex]), actor: f.hr)
            let workbook = XLSXWorkbook(sheets: [.init(name: "Cohortes: été/2030", rows: CohortTable.rows(report, language: .fr) + [[.text("<&> N'Diaye \u{1}")]])])
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-\(UUID().uuidString.prefix(8)).xlsx").path
            try workbook.data().write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let script = """
                import json, sys, warnings, openpyxl
                warnings.simplefilter("error")
                ws = openpyxl.load_workbook(sys.argv[1]).active
                print(json.dumps({"title": ws.title, "rows": [list(r) for r in ws.iter_rows(values_only=True)], "bold": ws["A1"].font.b, "rate": ws["E2"].number_format}))
                """
            let result = try await KalanProcess.run(program: "/usr/bin/env", ["python3", "-c", script, path])
            try #require(result.code == 0, "openpyxl (make test installs it): \(result.output)")
            let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
            let rows = json["rows"] as! [[Any]]
            #expect(json["title"] as? String == "Cohortes été2030")
            #expect(json["bold"] as? Bool == true)
            #expect(json["rate"] as? String == "0.0")
            #expect(rows[0].prefix(3).map { "\($0)" } == ["session", "sexe", "inscriptions"])
            #expect("\(rows[1][0])" == "S-MAR" && "\(rows[1][1])" == "femmes" && (rows[1][2] as? Double) == 2, "groups named as people read them")
            let total = rows[rows.count - 2]
            #expect("\(total[0])" == "Total" && (total[2] as? Double) == 12 && (total[3] as? Double) == 12)
            #expect("\(rows[rows.count - 1][0])" == "<&> N'Diaye ")
        }
    }
}
