import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Testing

/// Every query use case run as every role, against one table of what each may read: a trainer
/// sees only the sessions they train and nothing of the register, the catalogue lists, the
/// certificates list, accounts or the audit log; a viewer reads but writes nothing; accounts and
/// the audit log are for admins. The API, the pages and the CLI reach the data only through these.
@Suite("Who may read what: every query as every role")
struct ReadAuthorizationTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case allowed, forbidden, notFound
        var description: String { "\(self == .allowed ? "allowed" : self == .forbidden ? "forbidden" : "not found")" }
    }

    /// The people: their actor, by role name.
    struct People {
        let admin, hr, viewer, trainer, otherTrainer: Actor
        var all: [(String, Actor)] { [("admin", admin), ("hr", hr), ("viewer", viewer), ("trainer", trainer), ("other trainer", otherTrainer)] }
    }

    /// Passwords are never checked here: accounts are read, not signed into.
    struct UnusedHasher: PasswordHasher {
        func hash(_ password: String) async throws -> String { password }
        func verify(_ password: String, hash: String) async throws -> Bool { false }
    }

    static func outcome(_ body: () async throws -> Void) async -> Outcome {
        do {
            try await body()
            return .allowed
        } catch KalanError.forbidden {
            return .forbidden
        } catch KalanError.notFound {
            return .notFound
        } catch {
            Issue.record("unexpected error \(error)")
            return .forbidden
        }
    }

    /// A session S-1 trained by `trainer`, a session S-2 trained by nobody, one staff member
    /// enrolled on each; a trainer account with no session.
    func people(_ f: WorkflowFixture) async throws -> People {
        try await f.session("S-1")
        try await f.session("S-2", from: "2030-04-01", to: "2030-04-05")
        let staff = try await f.staff(2)
        try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
        try await f.workflow.enrol(staffNumber: staff[1], sessionCode: "S-2", actor: f.hr)
        let trainer = User(username: "t.one", displayName: "Trainer One", role: .trainer)
        let other = User(username: "t.two", displayName: "Trainer Two", role: .trainer)
        try await f.repository.transaction { work in
            try await work.insert(trainer, passwordHash: "x")
            try await work.insert(other, passwordHash: "x")
            try await work.assignTrainer(userID: trainer.id, toSession: try await work.session(code: "S-1")!.id)
        }
        return People(
            admin: f.admin, hr: f.hr, viewer: Actor(name: "user:vi", role: .viewer),
            trainer: Actor(name: "user:t.one", role: .trainer, userID: trainer.id), otherTrainer: Actor(name: "user:t.two", role: .trainer, userID: other.id))
    }

    @Test func everyQueryAsEveryRole() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let p = try await people(f)
            let repository = f.repository
            let sessions = SessionQueries(repository: repository)
            let staff = StaffQueries(repository: repository)
            let catalogue = CatalogueQueries(repository: repository)
            let certificates = CertificateQueries(repository: repository)
            let accounts = Accounts(repository: repository, hasher: UnusedHasher())
            let s1 = try await repository.statement { try await $0.session(code: "S-1")! }
            let s2 = try await repository.statement { try await $0.session(code: "S-2")! }

            // Columns: admin, hr, viewer, trainer (of S-1), other trainer.
            let A = Outcome.allowed, F = Outcome.forbidden, N = Outcome.notFound
            let table: [(String, [Outcome], (Actor) async throws -> Void)] = [
                ("session S-1", [A, A, A, A, N], { _ = try await sessions.session(code: "S-1", actor: $0) }),
                ("session S-2", [A, A, A, N, N], { _ = try await sessions.session(code: "S-2", actor: $0) }),
                ("course of S-2", [A, A, A, N, N], { _ = try await sessions.course(of: s2, actor: $0) }),
                ("roster details of S-1", [A, A, A, A, N], { _ = try await sessions.rosterDetails(of: s1, expanding: nil, actor: $0) }),
                ("roster details of S-2", [A, A, A, N, N], { _ = try await sessions.rosterDetails(of: s2, expanding: nil, actor: $0) }),
                ("certificates of S-2", [A, A, A, N, N], { _ = try await sessions.certificates(of: s2, actor: $0) }),
                ("serials of S-2", [A, A, A, N, N], { _ = try await sessions.serials(sessionCode: "S-2", actor: $0) }),
                ("roster of S-2", [A, A, A, N, N], { _ = try await f.results.roster(sessionCode: "S-2", actor: $0) }),
                ("session edit form", [A, A, F, F, F], { _ = try await sessions.editing(code: "S-1", actor: $0) }),
                ("session form choices", [A, A, F, F, F], { _ = try await catalogue.sessionChoices(actor: $0) }),
                ("register list", [A, A, A, F, F], { _ = try await staff.list(TraineeFilter(), counted: true, actor: $0) }),
                ("staff record", [A, A, A, F, F], { _ = try await staff.record(staffNumber: "mce-0001", actor: $0) }),
                ("staff lookup", [A, A, A, F, F], { _ = try await staff.find(staffNumber: "MCE-0001", actor: $0) }),
                ("staff history", [A, A, A, F, F], { _ = try await TraineeHistory(repository: repository).profile(staffNumber: "MCE-0001", actor: $0) }),
                ("departments", [A, A, A, F, F], { _ = try await catalogue.departments(actor: $0) }),
                ("department", [A, A, A, F, F], { _ = try await catalogue.department(code: "DNT", actor: $0) }),
                ("partners", [A, A, A, F, F], { _ = try await catalogue.partners(actor: $0) }),
                ("partner", [A, A, A, F, F], { _ = try await catalogue.partner(code: "ITRC", actor: $0) }),
                ("programmes", [A, A, A, F, F], { _ = try await catalogue.programmes(actor: $0) }),
                ("courses", [A, A, A, F, F], { _ = try await catalogue.courses(actor: $0) }),
                ("course", [A, A, A, F, F], { _ = try await catalogue.course(code: "TEL-FOND", actor: $0) }),
                ("statistics labels", [A, A, A, A, A], { _ = try await catalogue.labels(actor: $0) }),
                ("certificates list", [A, A, A, F, F], { _ = try await certificates.listing(search: nil, limit: 10, actor: $0) }),
                ("accounts", [A, F, F, F, F], { _ = try await accounts.users(actor: $0) }),
                ("one account", [A, F, F, F, F], { _ = try await accounts.user(username: "t.one", actor: $0) }),
                ("partner choices of accounts", [A, F, F, F, F], { _ = try await accounts.partnerChoices(actor: $0) }),
                ("audit log", [A, F, F, F, F], { _ = try await AuditLog(repository: repository).events(AuditFilter(), actor: $0) }),
                ("programme progress", [A, A, A, F, F], { _ = try await CohortStatistics(repository: repository).programmeProgress(actor: $0) }),
            ]
            for (name, expected, query) in table {
                for ((role, actor), wanted) in zip(p.all, expected) {
                    let got = await Self.outcome { try await query(actor) }
                    #expect(got == wanted, "\(name) as \(role): \(got), expected \(wanted)")
                }
            }

            // What each sees in a list: a trainer only the sessions they train.
            for (role, actor) in p.all {
                let codes = try await sessions.list(SessionFilter(), actor: actor).sessions.map(\.code).sorted()
                let wanted = actor.role != .trainer ? ["S-1", "S-2"] : actor == p.trainer ? ["S-1"] : []
                #expect(codes == wanted, "sessions seen by \(role): \(codes)")
            }
        }
    }

    /// A viewer writes nothing: every kind of change is refused and leaves the database as it was.
    @Test func aViewerWritesNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let p = try await people(f)
            let before = try await f.count("audit_event")
            let viewer = p.viewer
            let writes: [(String, () async throws -> Void)] = [
                ("add a department", { try await f.register.addDepartment(code: "DX", nameFR: "X", nameEN: nil, kind: "direction", parentCode: nil, actor: viewer) }),
                ("add a partner", { try await f.register.addPartner(code: "PX", name: "X", kind: "government", country: "ML", actor: viewer) }),
                ("enrol", { _ = try await f.workflow.enrol(staffNumber: "MCE-0002", sessionCode: "S-1", actor: viewer) }),
                ("withdraw", { _ = try await f.workflow.withdraw(staffNumber: "MCE-0001", sessionCode: "S-1", reason: "x", actor: viewer) }),
                ("record a score", { try await f.results.recordScore(sessionCode: "S-1", staffNumber: "MCE-0001", kind: .post, score: 50, actor: viewer) }),
                ("close results", { _ = try await f.results.closeResults(sessionCode: "S-1", actor: viewer) }),
                (
                    "add staff",
                    {
                        _ = try await TraineeRegister(repository: f.repository).add(
                            fields: ["staff_number": "MCE-9999", "given_name": "A", "family_name": "B", "sex": "F"], actor: viewer)
                    }
                ),
            ]
            for (name, write) in writes {
                let got = await Self.outcome(write)
                #expect(got == .forbidden || got == .notFound, "\(name) as a viewer: \(got)")
            }
            #expect(try await f.count("audit_event") == before)
            #expect(try await f.count("trainee") == 2)
            #expect(try await f.count("department") == 1)
        }
    }
}
