import Foundation
import KalanCore

/// Loads the demo register from `fixtures/`: the ministry's departments, partners, programmes,
/// courses, 300+ staff and sessions past, running and future, then enrols staff through the
/// real use cases and records attendance, scores and outcomes so that statistics and
/// certificates have something true to show. Deterministic: the same files give the same data.
public struct DemoSeed: Sendable {
    let repository: any KalanRepository
    let folder: URL
    let today: Day
    let actor = Actor.commandLine(user: "demo-seed")

    public init(repository: any KalanRepository, folder: URL, today: Day) {
        self.repository = repository
        self.folder = folder
        self.today = today
    }

    public struct Outcome: Sendable {
        public var trainees = 0, sessions = 0, enrolments = 0, completed = 0
    }

    /// Fixture rows as dictionaries keyed by header.
    func table(_ name: String) throws -> [[String: String]] {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
            throw KalanError.invalid(field: "fixtures", problem: .unknownReference(folder.appendingPathComponent(name).path))
        }
        let records = try CSVReader.read(data)
        guard let header = records.first?.fields else { return [] }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields + Array(repeating: "", count: max(0, header.count - $0.fields.count)))) }
    }

    struct CourseFixture: Decodable {
        struct Module: Decodable { var title_fr, title_en: String; var hours: Int }
        var code, title_fr, title_en, domain: String
        var hours, pass_mark, min_attendance: Int
        var validity_months: Int?
        var programme_code: String?
        var prerequisites: [String]
        var modules: [Module]
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) async throws -> Outcome {
        let register = Register(repository: repository)
        var outcome = Outcome()
        for row in try table("departments.csv") {
            try await register.addDepartment(code: row["code"]!, nameFR: row["name_fr"]!, nameEN: row["name_en"], kind: row["kind"]!, parentCode: row["parent_code"], actor: actor)
        }
        for row in try table("partners.csv") {
            try await register.addPartner(code: row["code"]!, name: row["name"]!, kind: row["kind"]!, country: row["country"]!, actor: actor)
        }
        for row in try table("programmes.csv") {
            try await register.addProgramme(
                .init(
                    code: row["code"]!, nameFR: row["name_fr"]!, nameEN: row["name_en"], startsOn: row["starts_on"]!, endsOn: row["ends_on"]!,
                    domains: row["domains"]!.split(separator: "|").map(String.init), targetTrainees: Int(row["target_trainees"]!) ?? 0,
                    partnerCodes: row["partner_codes"]!.split(separator: "|").map(String.init)),
                actor: actor)
        }
        let coursesData = try Data(contentsOf: folder.appendingPathComponent("courses.json"))
        for c in try JSONDecoder().decode([CourseFixture].self, from: coursesData) {
            try await register.addCourse(
                .init(
                    code: c.code, titleFR: c.title_fr, titleEN: c.title_en, domain: c.domain, hours: c.hours, passMark: c.pass_mark, minAttendance: c.min_attendance,
                    validityMonths: c.validity_months, programmeCode: c.programme_code, modules: c.modules.map { .init(titleFR: $0.title_fr, titleEN: $0.title_en, hours: $0.hours) },
                    prerequisiteCodes: c.prerequisites),
                actor: actor)
        }
        progress?("staff")
        let staff = try Data(contentsOf: folder.appendingPathComponent("trainees.csv"))
        outcome.trainees = try await TraineeRegister(repository: repository).importSheet(staff, actor: actor).inserted
        let numbers = try table("trainees.csv").filter { $0["active"] != "false" }.compactMap { $0["staff_number"] }

        var random = DemoRandom(seed: 2026)
        let workflow = EnrolmentWorkflow(repository: repository, clock: .fixed(today))
        let results = ResultsRecording(repository: repository, clock: .fixed(today))
        for row in try table("sessions.csv").sorted(by: { ($0["starts_on"] ?? "") < ($1["starts_on"] ?? "") }) {
            let target = row["status"] ?? "planned"
            let session = try await register.addSession(
                .init(
                    code: row["code"]!, courseCode: row["course_code"]!, partnerCode: row["partner_code"]!, programmeCode: row["programme_code"],
                    startsOn: row["starts_on"]!, endsOn: row["ends_on"]!, mode: row["mode"]!, city: row["city"], country: row["country"],
                    capacity: Int(row["capacity"]!) ?? 20, enrolmentDeadline: row["enrolment_deadline"], status: target == "planned" ? "planned" : "open"),
                actor: actor)
            outcome.sessions += 1
            progress?("session \(session.code)")
            guard target != "cancelled" else {
                try await register.moveSession(code: session.code, to: .cancelled, actor: actor)
                continue
            }
            // Past and running sessions are full; future ones are filling up, some with a waitlist.
            let wanted = target == "completed" || target == "in_progress" ? session.capacity : Int(Double(session.capacity) * (0.4 + random.unit() * 0.8))
            var seated: [String] = []
            for number in random.shuffled(numbers) where seated.count < wanted {
                guard (try? await workflow.enrol(staffNumber: number, sessionCode: session.code, actor: actor)) != nil else { continue }
                seated.append(number)
                outcome.enrolments += 1
            }
            if target == "open" || target == "planned" {
                for number in random.shuffled(numbers).prefix(3) { _ = try? await workflow.nominate(staffNumber: number, sessionCode: session.code, actor: actor) }
                continue
            }
            try await register.moveSession(code: session.code, to: .inProgress, actor: actor)
            let days = session.trainingDays.filter { $0 <= today }
            for number in seated {
                if target == "completed", random.unit() < 0.03 {
                    _ = try await workflow.withdraw(staffNumber: number, sessionCode: session.code, reason: "mission de service", actor: actor)
                    continue
                }
                let diligence = random.unit()
                let marks = days.map { day in
                    let roll = random.unit()
                    let status: AttendanceStatus = roll < 0.72 + diligence * 0.27 ? .present : roll < 0.97 ? .absent : .excused
                    return ResultsRecording.AttendanceMark(staffNumber: number, day: day, status: status)
                }
                if !marks.isEmpty { try await results.recordAttendance(sessionCode: session.code, marks: marks, actor: actor) }
                let pre = (25 + random.unit() * 35).rounded()
                try await results.recordScore(sessionCode: session.code, staffNumber: number, kind: .pre, score: pre, actor: actor)
                guard target == "completed" else { continue }
                let post = min(100, (pre + 10 + random.unit() * 40 * (0.5 + diligence)).rounded())
                try await results.recordScore(sessionCode: session.code, staffNumber: number, kind: .post, score: post, actor: actor)
                if try await results.complete(sessionCode: session.code, staffNumber: number, actor: actor).enrolment.status == .completed { outcome.completed += 1 }
            }
            if target == "completed" { try await register.moveSession(code: session.code, to: .completed, actor: actor) }
        }
        progress?("cooperation")
        try await CooperationDemoSeed(repository: repository, today: today, actor: actor).run()
        return outcome
    }
}

/// Repeatable randomness for the demo.
struct DemoRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func unit() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        for i in stride(from: copy.count - 1, to: 0, by: -1) { copy.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        return copy
    }
}
