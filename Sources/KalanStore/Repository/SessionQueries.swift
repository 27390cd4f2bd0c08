import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    static let sessionSelect = """
        SELECT s.id, s.code, s.course_id, s.partner_id, s.programme_id, s.starts_on, s.ends_on, s.mode, s.city, s.country, s.capacity,
               s.enrolment_deadline, s.status,
               coalesce((SELECT array_agg(st.user_id) FROM session_trainer st WHERE st.session_id = s.id), '{}') AS trainer_ids
        FROM training_session s
        """

    func sessions(_ filter: SessionFilter) async throws -> [TrainingSession] {
        var sql: PostgresQuery = "\(unescaped: Self.sessionSelect) WHERE true"
        if let from = filter.from { sql.append(" AND s.ends_on >= \(from)") }
        if let to = filter.to { sql.append(" AND s.starts_on <= \(to)") }
        if let status = filter.status { sql.append(" AND s.status = \(status.rawValue)") }
        if let course = filter.courseCode { sql.append(" AND s.course_id = (SELECT id FROM course WHERE code = \(course))") }
        if let trainer = filter.trainerID { sql.append(" AND EXISTS (SELECT 1 FROM session_trainer st WHERE st.session_id = s.id AND st.user_id = \(trainer))") }
        let descending = filter.order == .startsOnDescending
        if let after = filter.after {
            sql.append(" AND (s.starts_on, s.code) \(unescaped: descending ? "<" : ">") (\(after.startsOn), \(after.code))")
        }
        sql.append(descending ? " ORDER BY s.starts_on DESC, s.code DESC" : " ORDER BY s.starts_on, s.code")
        sql.append(" LIMIT \(filter.limit)")
        return try await query(sql).map(Self.session)
    }

    func session(code: String) async throws -> TrainingSession? {
        try await query("\(unescaped: Self.sessionSelect) WHERE s.code = \(code)").first.map(Self.session)
    }

    func lockSession(id: UUID) async throws -> TrainingSession {
        // The row lock serialises seat decisions for this session across every server process.
        try await query("SELECT 1 FROM training_session WHERE id = \(id) FOR UPDATE")
        guard let session = try await query("\(unescaped: Self.sessionSelect) WHERE s.id = \(id)").first.map(Self.session) else {
            throw KalanError.notFound(.session, key: id.uuidString)
        }
        return session
    }

    func insert(_ s: TrainingSession) async throws {
        try await query(
            """
            INSERT INTO training_session (id, code, course_id, partner_id, programme_id, starts_on, ends_on, mode, city, country, capacity,
                                          enrolment_deadline, status)
            VALUES (\(s.id), \(s.code), \(s.courseID), \(s.partnerID), \(s.programmeID), \(s.startsOn), \(s.endsOn), \(s.mode.rawValue),
                    \(s.city), \(s.country), \(s.capacity), \(s.enrolmentDeadline), \(s.status.rawValue))
            """)
        for trainer in s.trainerIDs { try await assignTrainer(userID: trainer, toSession: s.id) }
    }

    func updateStatus(ofSession id: UUID, to status: SessionStatus) async throws {
        try await query("UPDATE training_session SET status = \(status.rawValue), version = version + 1, updated_at = now() WHERE id = \(id)")
    }

    func assignTrainer(userID: UUID, toSession id: UUID) async throws {
        try await query("INSERT INTO session_trainer (session_id, user_id) VALUES (\(id), \(userID)) ON CONFLICT DO NOTHING")
    }

    static func session(_ row: PostgresRow) throws -> TrainingSession {
        TrainingSession(
            id: try row.decode("id"), code: try row.decode("code"), courseID: try row.decode("course_id"), partnerID: try row.decode("partner_id"),
            programmeID: try row.decode("programme_id"), startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"),
            mode: try row.decode("mode", as: DeliveryMode.self), city: try row.decode("city"), country: try row.decode("country"),
            capacity: try row.decode("capacity"), enrolmentDeadline: try row.decode("enrolment_deadline"),
            status: try row.decode("status", as: SessionStatus.self), trainerIDs: try row.decode("trainer_ids"))
    }
}
