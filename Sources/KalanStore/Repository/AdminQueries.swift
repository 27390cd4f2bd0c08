import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    func updateDepartment(_ d: Department) async throws {
        try await query(
            """
            UPDATE department SET name_fr = \(d.nameFR), name_en = \(d.nameEN), kind = \(d.kind.rawValue), parent_id = \(d.parentID)
            WHERE id = \(d.id)
            """)
    }

    func updatePartner(_ p: Partner) async throws {
        try await query(
            """
            UPDATE partner SET name = \(p.name), kind = \(p.kind.rawValue), country = \(p.country), version = version + 1, updated_at = now()
            WHERE id = \(p.id)
            """)
    }

    func updateProgramme(_ p: Programme) async throws {
        try await query(
            """
            UPDATE programme SET name_fr = \(p.nameFR), name_en = \(p.nameEN), starts_on = \(p.startsOn), ends_on = \(p.endsOn),
                domains = \(p.domains), target_trainees = \(p.targetTrainees), version = version + 1, updated_at = now()
            WHERE id = \(p.id)
            """)
        try await query("DELETE FROM programme_partner WHERE programme_id = \(p.id)")
        if !p.partnerIDs.isEmpty {
            try await query("INSERT INTO programme_partner (programme_id, partner_id) SELECT \(p.id), unnest(\(p.partnerIDs))")
        }
    }

    func updateCourse(_ c: Course) async throws {
        try await query(
            """
            UPDATE course SET title_fr = \(c.titleFR), title_en = \(c.titleEN), domain = \(c.domain), hours = \(c.hours),
                pass_mark = \(c.passMark), min_attendance = \(c.minAttendance), validity_months = \(c.validityMonths),
                programme_id = \(c.programmeID), version = version + 1, updated_at = now()
            WHERE id = \(c.id)
            """)
        try await query("DELETE FROM course_module WHERE course_id = \(c.id)")
        for (index, module) in c.modules.enumerated() {
            try await query(
                """
                INSERT INTO course_module (course_id, position, title_fr, title_en, hours)
                VALUES (\(c.id), \(index + 1), \(module.titleFR), \(module.titleEN), \(module.hours))
                """)
        }
        try await query("DELETE FROM course_prerequisite WHERE course_id = \(c.id)")
        if !c.prerequisiteIDs.isEmpty {
            try await query("INSERT INTO course_prerequisite (course_id, prerequisite_id) SELECT \(c.id), unnest(\(c.prerequisiteIDs))")
        }
    }

    func updateSession(_ s: TrainingSession) async throws {
        try await query(
            """
            UPDATE training_session SET starts_on = \(s.startsOn), ends_on = \(s.endsOn), mode = \(s.mode.rawValue), city = \(s.city),
                country = \(s.country), capacity = \(s.capacity), enrolment_deadline = \(s.enrolmentDeadline), status = \(s.status.rawValue),
                programme_id = \(s.programmeID), version = version + 1, updated_at = now()
            WHERE id = \(s.id)
            """)
        try await query(
            """
            UPDATE enrolment SET period = daterange(\(s.startsOn), \(s.endsOn), '[]')
            WHERE session_id = \(s.id) AND period <> daterange(\(s.startsOn), \(s.endsOn), '[]')
            """)
    }

    func removeTrainer(userID: UUID, fromSession id: UUID) async throws -> Bool {
        !(try await query("DELETE FROM session_trainer WHERE session_id = \(id) AND user_id = \(userID) RETURNING user_id").isEmpty)
    }

    func auditEvents(_ filter: AuditFilter) async throws -> [AuditEvent] {
        // An enrolment (its decisions, attendance and scores are audited under its id) reads as the
        // person and the session, not as an identifier.
        var sql: PostgresQuery = """
            SELECT a.id, a.at, a.actor, a.source, a.action, a.entity, a.before::text AS before, a.after::text AS after,
                   coalesce(CASE WHEN a.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (
                       SELECT t.family_name || ' ' || t.given_name || ' (' || t.staff_number || ') · ' || s.code
                       FROM enrolment e JOIN trainee t ON t.id = e.trainee_id JOIN training_session s ON s.id = e.session_id
                       WHERE e.id = a.entity_id::uuid) END, a.entity_id) AS entity_id
            FROM audit_event a WHERE true
            """
        func pattern(_ text: String) -> String {
            "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                + "%"
        }
        if let actor = filter.actor { sql.append(" AND lower(a.actor) LIKE \(pattern(actor))") }
        if let action = filter.action {
            let like = pattern(action)
            sql.append(" AND (lower(a.action) LIKE \(like) OR lower(a.entity_id) LIKE \(like) OR lower(a.entity) LIKE \(like))")
        }
        if let from = filter.from { sql.append(" AND a.at >= \(from)") }
        if let to = filter.to { sql.append(" AND a.at < \(to)") }
        if let before = filter.before { sql.append(" AND a.id < \(before)") }
        sql.append(" ORDER BY a.id DESC LIMIT \(filter.limit)")
        return try await query(sql).map { row in
            AuditEvent(
                id: try row.decode("id"), at: try row.decode("at"), actor: try row.decode("actor"), source: try row.decode("source"),
                action: try row.decode("action"), entity: try row.decode("entity"), entityID: try row.decode("entity_id"),
                before: try row.decode("before"), after: try row.decode("after"))
        }
    }
}
