import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    static let enrolmentColumns = "e.id, e.session_id, e.trainee_id, e.status, e.waitlist_position, e.override_reason, e.requested_at, e.version"

    func lockSession(code: String) async throws -> TrainingSession? {
        // The row lock serialises seat decisions for this session across every server process.
        try await query("\(unescaped: Self.sessionSelect) WHERE s.code = \(code) FOR UPDATE OF s").first.map(Self.session)
    }

    func enrolmentContext(staffNumber: String, session: TrainingSession) async throws -> EnrolmentContext? {
        // A statement of its own after the lock: its snapshot sees every enrolment committed before.
        guard
            let row = try await query(
                """
                SELECT \(unescaped: Self.traineeColumns),
                       (SELECT coalesce(array_agg(pc.code ORDER BY pc.code), '{}') FROM course_prerequisite cp JOIN course pc ON pc.id = cp.prerequisite_id
                        WHERE cp.course_id = \(session.courseID)
                          AND NOT EXISTS (SELECT 1 FROM enrolment d JOIN training_session ds ON ds.id = d.session_id
                                          WHERE d.trainee_id = t.id AND d.status = 'completed' AND ds.course_id = cp.prerequisite_id)) AS missing,
                       (SELECT o.code FROM enrolment oe JOIN training_session o ON o.id = oe.session_id
                        WHERE oe.trainee_id = t.id AND oe.session_id <> \(session.id) AND oe.status IN ('approved', 'enrolled', 'waitlisted', 'completed')
                          AND o.starts_on <= \(session.endsOn) AND o.ends_on >= \(session.startsOn)
                        ORDER BY o.starts_on LIMIT 1) AS overlapping,
                       (SELECT count(*) FROM enrolment c WHERE c.session_id = \(session.id)
                          AND c.status = ANY(\(EnrolmentStatus.seatHolders.map(\.rawValue)))) AS taken,
                       (SELECT coalesce(max(w.waitlist_position), 0) FROM enrolment w WHERE w.session_id = \(session.id)) AS last_position,
                       e.id AS existing_id, e.session_id, e.trainee_id, e.status, e.waitlist_position, e.override_reason, e.requested_at,
                       e.version AS existing_version
                FROM trainee t LEFT JOIN enrolment e ON e.session_id = \(session.id) AND e.trainee_id = t.id
                WHERE t.staff_number = \(staffNumber)
                """
            ).first
        else { return nil }
        let existing: Enrolment? =
            try row.decode("existing_id", as: UUID?.self) == nil ? nil : try Self.enrolment(row, id: "existing_id", version: "existing_version")
        return EnrolmentContext(
            trainee: try Self.trainee(row), missingPrerequisites: try row.decode("missing"), overlappingSession: try row.decode("overlapping"),
            existing: existing, seatsTaken: try row.decode("taken"), lastWaitlistPosition: try row.decode("last_position"))
    }

    func insert(_ e: Enrolment, period: ClosedRange<Day>, events: [EnrolmentEvent], audits: [AuditEntry]) async throws {
        var sql: PostgresQuery = """
            WITH new_enrolment AS (
                INSERT INTO enrolment (id, session_id, trainee_id, status, waitlist_position, override_reason, period, version)
                VALUES (\(e.id), \(e.sessionID), \(e.traineeID), \(e.status.rawValue), \(e.waitlistPosition), \(e.overrideReason),
                        daterange(\(period.lowerBound), \(period.upperBound), '[]'), \(e.version))
                RETURNING id
            )
            """
        if !events.isEmpty {
            sql.append(", history AS (INSERT INTO enrolment_event (enrolment_id, from_status, to_status, actor, reason) VALUES ")
            for (index, event) in events.enumerated() {
                if index > 0 { sql.append(", ") }
                sql.append("(\(e.id), \(event.from?.rawValue), \(event.to.rawValue), \(event.actor), \(event.reason))")
            }
            sql.append(")")
        }
        sql.append(
            """
             INSERT INTO audit_event (actor, source, action, entity, entity_id, before, after)
            SELECT a.actor, a.source, a.action, a.entity, a.entity_id, a.before, a.after FROM (VALUES
            """)
        for (index, entry) in audits.enumerated() {
            if index > 0 { sql.append(", ") }
            sql.append(
                """
                (\(index), \(entry.actor.name), \(entry.actor.source), \(entry.action), \(entry.entity.rawValue), \(entry.entityID),
                 \(entry.before.map(PostgresJSON.init(text:))), \(entry.after.map(PostgresJSON.init(text:))))
                """)
        }
        sql.append(") AS a (n, actor, source, action, entity, entity_id, before, after) WHERE EXISTS (SELECT 1 FROM new_enrolment) ORDER BY a.n")
        try await query(sql)
    }

    func enrolment(sessionID: UUID, traineeID: UUID) async throws -> Enrolment? {
        try await query(
            "SELECT \(unescaped: Self.enrolmentColumns) FROM enrolment e WHERE e.session_id = \(sessionID) AND e.trainee_id = \(traineeID) FOR UPDATE"
        ).first.map { try Self.enrolment($0) }
    }

    func seatsTaken(sessionID: UUID) async throws -> Int {
        try await query(
            "SELECT count(*) AS n FROM enrolment WHERE session_id = \(sessionID) AND status = ANY(\(EnrolmentStatus.seatHolders.map(\.rawValue)))"
        ).firstRow().decode("n")
    }

    func lastWaitlistPosition(sessionID: UUID) async throws -> Int {
        try await query("SELECT coalesce(max(waitlist_position), 0) AS n FROM enrolment WHERE session_id = \(sessionID)").firstRow().decode("n")
    }

    func waitlist(sessionID: UUID) async throws -> [Enrolment] {
        try await query(
            """
            SELECT \(unescaped: Self.enrolmentColumns) FROM enrolment e
            WHERE e.session_id = \(sessionID) AND e.status = 'waitlisted' ORDER BY e.waitlist_position FOR UPDATE
            """
        ).map { try Self.enrolment($0) }
    }

    func completedCourseIDs(traineeID: UUID) async throws -> Set<UUID> {
        let rows = try await query(
            """
            SELECT DISTINCT s.course_id FROM enrolment e JOIN training_session s ON s.id = e.session_id
            WHERE e.trainee_id = \(traineeID) AND e.status = 'completed'
            """)
        return Set(try rows.map { try $0.decode("course_id", as: UUID.self) })
    }

    func overlappingSessionCode(traineeID: UUID, startsOn: Day, endsOn: Day, excluding sessionID: UUID) async throws -> String? {
        try await query(
            """
            SELECT s.code FROM enrolment e JOIN training_session s ON s.id = e.session_id
            WHERE e.trainee_id = \(traineeID) AND e.session_id <> \(sessionID)
              AND e.status IN ('approved', 'enrolled', 'waitlisted', 'completed')
              AND s.starts_on <= \(endsOn) AND s.ends_on >= \(startsOn)
            ORDER BY s.starts_on LIMIT 1
            """
        ).first?.decode("code")
    }

    func insert(_ e: Enrolment, period: ClosedRange<Day>) async throws {
        try await query(
            """
            INSERT INTO enrolment (id, session_id, trainee_id, status, waitlist_position, override_reason, period)
            VALUES (\(e.id), \(e.sessionID), \(e.traineeID), \(e.status.rawValue), \(e.waitlistPosition), \(e.overrideReason),
                    daterange(\(period.lowerBound), \(period.upperBound), '[]'))
            """)
    }

    func update(_ e: Enrolment) async throws {
        let rows = try await query(
            """
            UPDATE enrolment SET status = \(e.status.rawValue), waitlist_position = \(e.waitlistPosition),
                override_reason = \(e.overrideReason), version = version + 1, updated_at = now()
            WHERE id = \(e.id) AND version = \(e.version)
            """)
        if rows.affectedRows == 0 { throw KalanError.stale(.enrolment) }
    }

    func append(_ event: EnrolmentEvent, to enrolmentID: UUID) async throws {
        try await query(
            """
            INSERT INTO enrolment_event (enrolment_id, from_status, to_status, actor, reason)
            VALUES (\(enrolmentID), \(event.from?.rawValue), \(event.to.rawValue), \(event.actor), \(event.reason))
            """)
    }

    func history(of enrolmentID: UUID) async throws -> [EnrolmentEvent] {
        try await query("SELECT from_status, to_status, actor, reason, at FROM enrolment_event WHERE enrolment_id = \(enrolmentID) ORDER BY id")
            .map(Self.event)
    }

    static func event(_ row: PostgresRow) throws -> EnrolmentEvent {
        EnrolmentEvent(
            from: try row.decodeIfPresent("from_status", as: EnrolmentStatus.self),
            to: try row.decode("to_status", as: EnrolmentStatus.self), actor: try row.decode("actor"),
            reason: try row.decode("reason"), at: try row.decode("at"))
    }

    func eventSummaries(sessionID: UUID) async throws -> [UUID: EnrolmentEventSummary] {
        let rows = try await query(
            """
            SELECT DISTINCT ON (v.enrolment_id) v.enrolment_id, v.from_status, v.to_status, v.actor, v.reason, v.at,
                   count(*) OVER (PARTITION BY v.enrolment_id)::int AS events
            FROM enrolment_event v JOIN enrolment e ON e.id = v.enrolment_id
            WHERE e.session_id = \(sessionID)
            ORDER BY v.enrolment_id, v.id DESC
            """)
        var summaries: [UUID: EnrolmentEventSummary] = [:]
        for row in rows {
            summaries[try row.decode("enrolment_id")] = EnrolmentEventSummary(last: try Self.event(row), count: try row.decode("events"))
        }
        return summaries
    }

    /// A roster line's columns, over `enrolment e` (and `waiting`, the order's first key).
    static let rosterLine = """
        SELECT e.id AS enrolment_id, e.session_id, e.trainee_id, e.status, e.waitlist_position, e.override_reason, e.requested_at,
               e.version AS enrolment_version, \(traineeColumns), d.code AS department_code,
               (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'present') AS present_days,
               (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'excused') AS excused_days,
               (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'pre') AS pre_score,
               (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'post') AS post_score,
               CASE e.status WHEN 'waitlisted' THEN 1 ELSE 0 END AS waiting
        FROM enrolment e JOIN trainee t ON t.id = e.trainee_id LEFT JOIN department d ON d.id = t.department_id
        """

    func roster(sessionID: UUID) async throws -> [RosterLine] {
        let rows = try await query(
            """
            \(unescaped: Self.rosterLine)
            WHERE e.session_id = \(sessionID)
            ORDER BY waiting, e.waitlist_position, t.family_name, t.given_name
            """)
        return try rows.map(Self.rosterLine)
    }

    /// One statement for the API's roster: the session (columns prefixed `s_`), its course's code,
    /// and one row per line (none: one row whose line columns are null). The trainers' array is
    /// read once beside the session, not once per line.
    func roster(sessionCode: String) async throws -> (session: TrainingSession, courseCode: String, lines: [RosterLine])? {
        let rows = try await query(Self.rosterStatement(sessionCode: sessionCode))
        guard let first = rows.first else { return nil }
        let session = TrainingSession(
            id: try first.decode("s_id"), code: try first.decode("s_code"), courseID: try first.decode("s_course_id"), partnerID: try first.decode("s_partner_id"),
            programmeID: try first.decode("s_programme_id"), startsOn: try first.decode("s_starts_on"), endsOn: try first.decode("s_ends_on"),
            mode: try first.decode("s_mode", as: DeliveryMode.self), city: try first.decode("s_city"), country: try first.decode("s_country"),
            capacity: try first.decode("s_capacity"), enrolmentDeadline: try first.decode("s_enrolment_deadline"),
            status: try first.decode("s_status", as: SessionStatus.self), trainerIDs: try first.decode("s_trainer_ids"))
        let lines = try first.decode("enrolment_id", as: UUID?.self) == nil ? [] : try rows.map(Self.rosterLine)
        return (session, try first.decode("s_course_code"), lines)
    }

    /// The API roster's statement; `bench/roster.sql` runs the same text in pgbench (a test compares them).
    static func rosterStatement(sessionCode: String) -> PostgresQuery {
        """
        SELECT s.id AS s_id, s.code AS s_code, s.course_id AS s_course_id, s.partner_id AS s_partner_id, s.programme_id AS s_programme_id,
               s.starts_on AS s_starts_on, s.ends_on AS s_ends_on, s.mode AS s_mode, s.city AS s_city, s.country AS s_country,
               s.capacity AS s_capacity, s.enrolment_deadline AS s_enrolment_deadline, s.status AS s_status,
               coalesce(tr.ids, '{}') AS s_trainer_ids, c.code AS s_course_code, r.*
        FROM training_session s JOIN course c ON c.id = s.course_id
        LEFT JOIN LATERAL (SELECT array_agg(st.user_id) AS ids FROM session_trainer st WHERE st.session_id = s.id) tr ON true
        LEFT JOIN LATERAL (\(unescaped: Self.rosterLine) WHERE e.session_id = s.id) r ON true
        WHERE s.code = \(sessionCode)
        ORDER BY r.waiting, r.waitlist_position, r.family_name, r.given_name
        """
    }

    static func rosterLine(_ row: PostgresRow) throws -> RosterLine {
        RosterLine(
            enrolment: try Self.enrolment(row, id: "enrolment_id", version: "enrolment_version"), trainee: try Self.trainee(row), departmentCode: try row.decode("department_code"),
            presentDays: try row.decode("present_days"), excusedDays: try row.decode("excused_days"),
            preScore: try row.decode("pre_score"), postScore: try row.decode("post_score"))
    }

    static func enrolment(_ row: PostgresRow, id: String = "id", version: String = "version") throws -> Enrolment {
        Enrolment(
            id: try row.decode(id), sessionID: try row.decode("session_id"), traineeID: try row.decode("trainee_id"),
            status: try row.decode("status", as: EnrolmentStatus.self), waitlistPosition: try row.decode("waitlist_position"),
            overrideReason: try row.decode("override_reason"), requestedAt: try row.decode("requested_at"), version: try row.decode(version))
    }

    func record(attendance status: AttendanceStatus, on day: Day, for enrolmentID: UUID, by actor: String) async throws {
        try await query(
            """
            INSERT INTO attendance (enrolment_id, day, status, recorded_by) VALUES (\(enrolmentID), \(day), \(status.rawValue), \(actor))
            ON CONFLICT (enrolment_id, day) DO UPDATE SET status = excluded.status, recorded_by = excluded.recorded_by, recorded_at = now()
            """)
    }

    func attendance(of enrolmentID: UUID) async throws -> [Day: AttendanceStatus] {
        var result: [Day: AttendanceStatus] = [:]
        for row in try await query("SELECT day, status FROM attendance WHERE enrolment_id = \(enrolmentID)") {
            result[try row.decode("day")] = try row.decode("status", as: AttendanceStatus.self)
        }
        return result
    }

    func record(score: Double, kind: AssessmentKind, for enrolmentID: UUID, by actor: String) async throws {
        try await query(
            """
            INSERT INTO assessment (enrolment_id, kind, score, recorded_by) VALUES (\(enrolmentID), \(kind.rawValue), \(score), \(actor))
            ON CONFLICT (enrolment_id, kind) DO UPDATE SET score = excluded.score, recorded_by = excluded.recorded_by, recorded_at = now()
            """)
    }

    func scores(of enrolmentID: UUID) async throws -> [AssessmentKind: Double] {
        var result: [AssessmentKind: Double] = [:]
        for row in try await query("SELECT kind, score::float8 AS score FROM assessment WHERE enrolment_id = \(enrolmentID)") {
            result[try row.decode("kind", as: AssessmentKind.self)] = try row.decode("score")
        }
        return result
    }
}
