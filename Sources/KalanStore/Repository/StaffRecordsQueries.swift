import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork: StaffRecordsStore {
    func evaluationAnswered(enrolmentID: UUID) async throws -> Bool {
        try await query("SELECT EXISTS (SELECT 1 FROM evaluation_answered WHERE enrolment_id = \(enrolmentID)) AS answered").firstRow().decode("answered")
    }

    func insertEvaluation(enrolmentID: UUID, sessionID: UUID, answers a: EvaluationAnswers, on day: Day) async throws {
        try await query("INSERT INTO evaluation_answered (enrolment_id, answered_on) VALUES (\(enrolmentID), \(day))")
        try await query(
            """
            INSERT INTO evaluation (session_id, content, trainer, organisation, usefulness, comment)
            VALUES (\(sessionID), \(a.content), \(a.trainer), \(a.organisation), \(a.usefulness), \(a.comment))
            """)
    }

    func saveCall(_ call: ApplicationCall) async throws {
        try await query(
            """
            INSERT INTO application_call (session_id, closes_on, categories, opened_by) VALUES (\(call.sessionID), \(call.closesOn), \(call.categories), \(call.openedBy))
            ON CONFLICT (session_id) DO UPDATE SET closes_on = EXCLUDED.closes_on, categories = EXCLUDED.categories
            """)
        try await query("DELETE FROM application_call_department WHERE session_id = \(call.sessionID)")
        if !call.departmentIDs.isEmpty {
            try await query(
                "INSERT INTO application_call_department (session_id, department_id) SELECT \(call.sessionID), unnest(\(call.departmentIDs)::uuid[])")
        }
    }

    static let callColumns = """
        c.session_id, c.closes_on, c.categories, c.opened_by,
        ARRAY(SELECT d.department_id FROM application_call_department d WHERE d.session_id = c.session_id ORDER BY d.department_id) AS departments
        """

    static func call(_ row: PostgresRow) throws -> ApplicationCall {
        ApplicationCall(
            sessionID: try row.decode("session_id"), closesOn: try row.decode("closes_on"), departmentIDs: try row.decode("departments"),
            categories: try row.decode("categories"), openedBy: try row.decode("opened_by"))
    }

    func call(sessionID: UUID) async throws -> ApplicationCall? {
        try await query("SELECT \(unescaped: Self.callColumns) FROM application_call c WHERE c.session_id = \(sessionID)").first.map(Self.call)
    }

    func openCalls(on day: Day) async throws -> [ApplicationCall] {
        try await query(
            """
            SELECT \(unescaped: Self.callColumns) FROM application_call c JOIN training_session s ON s.id = c.session_id
            WHERE c.closes_on >= \(day) AND s.status IN ('planned', 'open') ORDER BY c.closes_on, s.code
            """
        ).map(Self.call)
    }

    static let applicationColumns = """
        a.id AS a_id, a.session_id AS a_session_id, a.trainee_id AS a_trainee_id, a.motivation AS a_motivation, a.status AS a_status,
        a.applied_on AS a_applied_on, a.reason AS a_reason
        """

    static func application(_ row: PostgresRow) throws -> Application {
        Application(
            id: try row.decode("a_id"), sessionID: try row.decode("a_session_id"), traineeID: try row.decode("a_trainee_id"),
            motivation: try row.decode("a_motivation"), status: try row.decode("a_status", as: ApplicationStatus.self), appliedOn: try row.decode("a_applied_on"),
            reason: try row.decode("a_reason"))
    }

    func applications(sessionID: UUID) async throws -> [(application: Application, trainee: Trainee)] {
        try await query(
            """
            SELECT \(unescaped: Self.applicationColumns), \(unescaped: Self.traineeColumns)
            FROM application a JOIN trainee t ON t.id = a.trainee_id WHERE a.session_id = \(sessionID) ORDER BY a.applied_on, t.family_name, t.given_name
            """
        ).map { (try Self.application($0), try Self.trainee($0)) }
    }

    func applications(traineeID: UUID) async throws -> [Application] {
        try await query("SELECT \(unescaped: Self.applicationColumns) FROM application a WHERE a.trainee_id = \(traineeID)").map(Self.application)
    }

    func insert(application a: Application) async throws {
        try await query(
            """
            INSERT INTO application (id, session_id, trainee_id, motivation, status, applied_on)
            VALUES (\(a.id), \(a.sessionID), \(a.traineeID), \(a.motivation), \(a.status.rawValue), \(a.appliedOn))
            """)
    }

    func withdraw(applicationID: UUID, on day: Day) async throws {
        try await query("UPDATE application SET status = 'withdrawn', withdrawn_on = \(day) WHERE id = \(applicationID)")
    }

    func decide(applicationID: UUID, status: ApplicationStatus, reason: String?, by actor: String, at: Date, enrolmentID: UUID?) async throws {
        try await query(
            """
            UPDATE application SET status = \(status.rawValue), reason = \(reason), decided_by = \(actor), decided_at = \(at), enrolment_id = \(enrolmentID)
            WHERE id = \(applicationID)
            """)
    }

    func evaluationTotals(by dimension: EvaluationDimension) async throws -> [EvaluationTotals] {
        // Each session in its groups: one per session, course or partner; one per trainer of the session.
        let groups: String
        switch dimension {
        case .session:
            groups =
                "SELECT s.id AS session_id, s.code AS key, s.code || ' · ' || c.title_fr AS label_fr, s.code || ' · ' || c.title_en AS label_en FROM training_session s JOIN course c ON c.id = s.course_id"
        case .course:
            groups = "SELECT s.id AS session_id, c.code AS key, c.title_fr AS label_fr, c.title_en AS label_en FROM training_session s JOIN course c ON c.id = s.course_id"
        case .partner:
            groups = "SELECT s.id AS session_id, p.code AS key, p.name AS label_fr, p.name AS label_en FROM training_session s JOIN partner p ON p.id = s.partner_id"
        case .trainer:
            groups = """
                SELECT s.id AS session_id, u.username AS key, u.display_name AS label_fr, u.display_name AS label_en
                FROM training_session s JOIN session_trainer st ON st.session_id = s.id JOIN app_user u ON u.id = st.user_id
                """
        }
        return try await query(
            """
            WITH g AS (\(unescaped: groups)),
            answered AS (SELECT DISTINCT session_id FROM evaluation),
            marks AS (
                SELECT g.key, min(g.label_fr) AS label_fr, min(g.label_en) AS label_en, count(*)::integer AS answers,
                       sum(e.content)::integer AS content, sum(e.trainer)::integer AS trainer, sum(e.organisation)::integer AS organisation,
                       sum(e.usefulness)::integer AS usefulness,
                       coalesce(array_agg(e.comment ORDER BY e.comment) FILTER (WHERE e.comment IS NOT NULL), '{}') AS comments
                FROM evaluation e JOIN g ON g.session_id = e.session_id GROUP BY g.key),
            seats AS (
                SELECT g.key, count(*) FILTER (WHERE en.status IN ('enrolled', 'completed', 'failed'))::integer AS participants,
                       count(*) FILTER (WHERE en.status = 'completed')::integer AS completed, count(*) FILTER (WHERE en.status = 'failed')::integer AS failed
                FROM enrolment en JOIN g ON g.session_id = en.session_id WHERE en.session_id IN (SELECT session_id FROM answered) GROUP BY g.key)
            SELECT m.*, coalesce(x.participants, 0) AS participants, coalesce(x.completed, 0) AS completed, coalesce(x.failed, 0) AS failed
            FROM marks m LEFT JOIN seats x ON x.key = m.key ORDER BY m.answers DESC, m.key
            """
        ).map { row in
            EvaluationTotals(
                key: try row.decode("key"), labelFR: try row.decode("label_fr"), labelEN: try row.decode("label_en"), answers: try row.decode("answers"),
                content: try row.decode("content"), trainer: try row.decode("trainer"), organisation: try row.decode("organisation"),
                usefulness: try row.decode("usefulness"), participants: try row.decode("participants"), completed: try row.decode("completed"),
                failed: try row.decode("failed"), comments: try row.decode("comments"))
        }
    }
}
