import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres

/// A small catalogue on a fresh database: one department, one partner, a foundation course and
/// an advanced one needing it, and sessions far in the future so deadlines are open.
struct WorkflowFixture {
    let pool: PostgresPool
    let repository: PostgresRepository
    let admin = Actor.commandLine(user: "test-admin")
    let hr = Actor(name: "user:awa.hr", role: .hr)
    var register: Register { Register(repository: repository) }
    var workflow: EnrolmentWorkflow { EnrolmentWorkflow(repository: repository, clock: .fixed(Day("2030-01-01")!)) }
    var results: ResultsRecording { ResultsRecording(repository: repository) }

    static func make(_ pool: PostgresPool) async throws -> WorkflowFixture {
        let fixture = WorkflowFixture(pool: pool, repository: PostgresRepository(pool: pool))
        let admin = fixture.admin
        try await fixture.register.addDepartment(code: "DNT", nameFR: "Direction nationale des télécommunications", nameEN: "Telecoms", kind: "direction", parentCode: nil, actor: admin)
        try await fixture.register.addPartner(code: "ITRC", name: "Iran Telecommunication Research Center", kind: "government", country: "IR", actor: admin)
        try await fixture.register.addCourse(
            .init(
                code: "TEL-FOND", titleFR: "Fondamentaux des télécoms", titleEN: "Telecoms fundamentals", domain: "telecoms", hours: 40, passMark: 60, minAttendance: 80,
                modules: [.init(titleFR: "Signal", titleEN: "Signal", hours: 20), .init(titleFR: "Réseaux", titleEN: "Networks", hours: 20)]),
            actor: admin)
        try await fixture.register.addCourse(
            .init(code: "5G-NET", titleFR: "Réseaux 5G", titleEN: "5G networks", domain: "5g", hours: 30, prerequisiteCodes: ["TEL-FOND"]), actor: admin)
        return fixture
    }

    @discardableResult
    func session(_ code: String, course: String = "TEL-FOND", from: String = "2030-03-04", to: String = "2030-03-08", capacity: Int = 20, deadline: String? = "2030-02-20") async throws
        -> TrainingSession
    {
        try await register.addSession(
            .init(
                code: code, courseCode: course, partnerCode: "ITRC", startsOn: from, endsOn: to, mode: "in_person", city: "Tehran", country: "IR",
                capacity: capacity, enrolmentDeadline: deadline, status: "open"),
            actor: admin)
    }

    /// Adds staff MCE-0001… directly through the repository.
    func staff(_ count: Int, from start: Int = 1, active: Bool = true) async throws -> [String] {
        let numbers = (start..<(start + count)).map { String(format: "MCE-%04d", $0) }
        try await repository.transaction { work in
            let department = try await work.department(code: "DNT")
            for (i, number) in numbers.enumerated() {
                try await work.insert(
                    Trainee(
                        staffNumber: number, givenName: i % 3 == 0 ? "Aminata" : "Moussa", familyName: "Traoré", sex: i % 3 == 0 ? .female : .male,
                        category: "A", departmentID: department?.id, active: active))
            }
        }
        return numbers
    }

    func count(_ sql: String) async throws -> Int {
        try await pool.query(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM " + sql)).first!.decode("n")
    }
}
