import Foundation
import KalanCore
import Postgres

/// The notices' outbox (sql/migrations/0016_notices.sql): triggers write it with each decision;
/// senders on any number of servers claim due lines with FOR UPDATE SKIP LOCKED.
public struct PostgresNoticeOutbox: NoticeOutbox {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        n.id, n.kind, n.recipient, n.channel, n.address, n.recipient_name, n.language, n.session_id, n.enrolment_id, n.trainee_id,
        n.facts, n.status, n.attempts, n.first_attempt_at, n.next_attempt_at, n.last_error, n.created_at, n.sent_at
        """

    func run<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingDriverErrors { try await pool.withConnection(body) }
    }

    public func scheduleReminders(today: Day) async throws -> Int {
        try await mappingDriverErrors {
            try await pool.withTransaction { connection in
                try await connection.query("SELECT notice_schedule_reminders(\(today)) + notice_schedule_evaluation_reminders(\(today)) AS n").firstRow().decode("n")
            }
        }
    }

    public func claim(limit: Int, channels: [NoticeChannel], now: Date, lease: TimeInterval) async throws -> [Notice] {
        try await run { connection in
            try await connection.query(
                """
                UPDATE notice n SET status = 'sending', claimed_until = \(now.addingTimeInterval(lease)), attempts = n.attempts + 1,
                    first_attempt_at = coalesce(n.first_attempt_at, \(now))
                FROM (SELECT id FROM notice
                      WHERE ((status = 'pending' AND next_attempt_at <= \(now)) OR (status = 'sending' AND claimed_until < \(now)))
                        AND channel = ANY(\(channels.map(\.rawValue)))
                        -- In order per recipient: a waitlist place never arrives after the promotion that followed it.
                        -- A sign-in code waits for nothing: the person is waiting for it (issue 26).
                        AND (kind = 'sign_in_code'
                             OR NOT EXISTS (SELECT 1 FROM notice o WHERE o.address = notice.address AND o.channel = notice.channel AND o.id < notice.id
                                            AND o.status IN ('pending', 'sending') AND o.kind <> 'sign_in_code'))
                      ORDER BY kind <> 'sign_in_code', next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED) due
                WHERE n.id = due.id
                RETURNING \(unescaped: Self.columns)
                """
            ).map(Self.notice).sorted { $0.id < $1.id }
        }
    }

    public func markSent(id: Int64, at: Date) async throws {
        try await run { connection in
            try await connection.query(
                "UPDATE notice SET status = 'sent', sent_at = \(at), claimed_until = NULL, last_error = NULL WHERE id = \(id) AND status = 'sending'")
        }
    }

    public func reschedule(id: Int64, error: String, next: Date) async throws {
        try await run { connection in
            try await connection.query(
                """
                UPDATE notice SET status = 'pending', next_attempt_at = \(next), claimed_until = NULL, last_error = \(String(error.prefix(500)))
                WHERE id = \(id) AND status = 'sending'
                """)
        }
    }

    public func markFailed(id: Int64, error: String) async throws {
        try await run { connection in
            try await connection.query(
                "UPDATE notice SET status = 'failed', claimed_until = NULL, last_error = \(String(error.prefix(500))) WHERE id = \(id) AND status = 'sending'")
        }
    }

    public func notices(_ filter: NoticeFilter) async throws -> [Notice] {
        try await run { connection in
            // Sign-in codes are nobody's business but their person's (issue 26): never listed.
            var sql: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM notice n WHERE n.kind <> 'sign_in_code'"
            if let code = filter.sessionCode { sql.append(" AND n.session_id = (SELECT id FROM training_session WHERE code = \(code))") }
            if let number = filter.staffNumber { sql.append(" AND n.trainee_id = (SELECT id FROM trainee WHERE staff_number = \(number))") }
            if let status = filter.status { sql.append(" AND n.status = \(status.rawValue)") }
            sql.append(" ORDER BY n.id DESC LIMIT \(filter.limit)")
            return try await connection.query(sql).map(Self.notice)
        }
    }

    public func retry(ids: [Int64], now: Date) async throws -> Int {
        try await run { connection in
            try await connection.query(
                """
                UPDATE notice SET status = 'pending', attempts = 0, first_attempt_at = NULL, next_attempt_at = \(now), claimed_until = NULL, sent_at = NULL
                WHERE id = ANY(\(ids)) AND status IN ('failed', 'sent') AND kind <> 'sign_in_code'
                """
            ).affectedRows
        }
    }

    public func counts() async throws -> [NoticeStatus: Int] {
        try await run { connection in
            var counts: [NoticeStatus: Int] = [:]
            for row in try await connection.query("SELECT status, count(*) AS n FROM notice GROUP BY status") {
                counts[try row.decode("status", as: NoticeStatus.self)] = try row.decode("n")
            }
            return counts
        }
    }

    public func departmentContact(code: String) async throws -> DepartmentContact? {
        try await run { connection in
            try await connection.query("SELECT contact_name, contact_email, contact_phone FROM department WHERE code = \(code)").first.map { row in
                DepartmentContact(name: try row.decode("contact_name"), email: try row.decode("contact_email"), phone: try row.decode("contact_phone"))
            }
        }
    }

    public func setDepartmentContact(code: String, _ contact: DepartmentContact, actor: Actor) async throws {
        try await mappingDriverErrors {
            try await pool.withTransaction { connection in
                let rows = try await connection.query(
                    """
                    UPDATE department SET contact_name = \(contact.name), contact_email = \(contact.email), contact_phone = \(contact.phone),
                        version = version + 1, updated_at = now()
                    WHERE code = \(code)
                    """)
                guard rows.affectedRows == 1 else { throw KalanError.notFound(.department, key: code) }
                let after = try PostgresJSON(encoding: ["name": contact.name, "email": contact.email, "phone": contact.phone])
                try await connection.query(
                    """
                    INSERT INTO audit_event (actor, source, action, entity, entity_id, after)
                    VALUES (\(actor.name), \(actor.source), 'department.contact', 'department', \(code), \(after))
                    """)
            }
        }
    }

    public func preferences(staffNumber: String) async throws -> NoticePreferences? {
        try await run { connection in
            try await connection.query("SELECT notice_language, notices_off FROM trainee WHERE staff_number = \(staffNumber)").first.map { row in
                NoticePreferences(language: try row.decode("notice_language", as: Language.self), off: try row.decode("notices_off"))
            }
        }
    }

    public func setPreferences(staffNumber: String, _ preferences: NoticePreferences, actor: Actor) async throws {
        try await mappingDriverErrors {
            try await pool.withTransaction { connection in
                let rows = try await connection.query(
                    """
                    UPDATE trainee SET notice_language = \(preferences.language.rawValue), notices_off = \(preferences.off), updated_at = now()
                    WHERE staff_number = \(staffNumber)
                    """)
                guard rows.affectedRows == 1 else { throw KalanError.notFound(.trainee, key: staffNumber) }
                let after = try PostgresJSON(encoding: ["language": preferences.language.rawValue, "off": String(preferences.off)])
                try await connection.query(
                    """
                    INSERT INTO audit_event (actor, source, action, entity, entity_id, after)
                    VALUES (\(actor.name), \(actor.source), 'trainee.notices', 'trainee', \(staffNumber), \(after))
                    """)
            }
        }
    }

    static func notice(_ row: PostgresRow) throws -> Notice {
        Notice(
            id: try row.decode("id"), kind: try row.decode("kind", as: NoticeKind.self), recipient: try row.decode("recipient", as: NoticeRecipient.self),
            channel: try row.decode("channel", as: NoticeChannel.self), address: try row.decode("address"), recipientName: try row.decode("recipient_name"),
            language: try row.decode("language", as: Language.self), sessionID: try row.decode("session_id"), enrolmentID: try row.decode("enrolment_id"),
            traineeID: try row.decode("trainee_id"), facts: try row.decode("facts", as: PostgresJSON.self).decode(NoticeFacts.self),
            status: try row.decode("status", as: NoticeStatus.self), attempts: try row.decode("attempts"), firstAttemptAt: try row.decode("first_attempt_at"),
            nextAttemptAt: try row.decode("next_attempt_at"),
            lastError: try row.decode("last_error"), createdAt: try row.decode("created_at"), sentAt: try row.decode("sent_at"))
    }
}
