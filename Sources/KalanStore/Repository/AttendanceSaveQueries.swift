import Foundation
import KalanCore
import Postgres

/// Saving an attendance sheet: its lines in one read, its marks and their audit entries in one
/// statement each, whatever the number of marks.
extension PostgresUnitOfWork {
    func attendanceLines(sessionID: UUID, staffNumbers: [String]) async throws -> [String: AttendanceLine] {
        // Each number finds its staff member as `trainee(staffNumber:)` does; their enrolments in
        // the session are locked in id order, so two saves never lock them in opposite orders.
        let rows = try await query(
            """
            WITH given AS (SELECT DISTINCT g.staff_number FROM unnest(\(staffNumbers)::text[]) AS g (staff_number)),
            chosen AS (
                SELECT g.staff_number AS given, c.id AS trainee_id FROM given g
                CROSS JOIN LATERAL (
                    SELECT t.id FROM trainee t WHERE upper(t.staff_number) = upper(g.staff_number)
                    ORDER BY t.staff_number = g.staff_number DESC, t.staff_number LIMIT 1) c
            ),
            locked AS MATERIALIZED (
                SELECT e.* FROM enrolment e
                WHERE e.session_id = \(sessionID) AND e.trainee_id IN (SELECT trainee_id FROM chosen)
                ORDER BY e.id FOR UPDATE
            )
            SELECT c.given, \(unescaped: Self.traineeColumns), e.id AS enrolment_id, e.session_id, e.trainee_id, e.status, e.waitlist_position,
                   e.override_reason, e.requested_at, e.version AS enrolment_version
            FROM chosen c JOIN trainee t ON t.id = c.trainee_id LEFT JOIN locked e ON e.trainee_id = t.id
            """)
        var lines: [String: AttendanceLine] = [:]
        for row in rows {
            let enrolled = try row.decode("enrolment_id", as: UUID?.self) != nil
            lines[try row.decode("given")] = AttendanceLine(
                trainee: try Self.trainee(row), enrolment: enrolled ? try Self.enrolment(row, id: "enrolment_id", version: "enrolment_version") : nil)
        }
        return lines
    }

    func record(attendance marks: [AttendanceWrite], by actor: String) async throws {
        // One statement cannot write a row twice: a line and day given again waits for the next.
        var rounds: [[AttendanceWrite]] = []
        var seen: [AttendanceKey: Int] = [:]
        for mark in marks {
            let key = AttendanceKey(enrolmentID: mark.enrolmentID, day: mark.day)
            let round = seen[key, default: 0]
            seen[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(mark)
        }
        for round in rounds {
            // The triggers still run: row by row for the sheet's revision and closed results,
            // once for the statement for the statistics.
            try await query(
                """
                INSERT INTO attendance (enrolment_id, day, status, recorded_by)
                SELECT m.enrolment_id, m.day::date, m.status, \(actor)
                FROM unnest(\(round.map(\.enrolmentID))::uuid[], \(round.map(\.day.description))::text[], \(round.map(\.status.rawValue))::text[])
                     WITH ORDINALITY AS m (enrolment_id, day, status, n)
                ORDER BY m.n
                ON CONFLICT (enrolment_id, day) DO UPDATE SET status = excluded.status, recorded_by = excluded.recorded_by, recorded_at = now()
                """)
        }
    }

    func audit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await query(
            """
            INSERT INTO audit_event (actor, source, action, entity, entity_id, before, after)
            SELECT a.actor, a.source, a.action, a.entity, a.entity_id, a.before::jsonb, a.after::jsonb
            FROM unnest(\(entries.map(\.actor.name))::text[], \(NullableTexts(entries.map(\.actor.source)))::text[], \(entries.map(\.action))::text[],
                        \(entries.map(\.entity.rawValue))::text[], \(NullableTexts(entries.map(\.entityID)))::text[],
                        \(NullableTexts(entries.map(\.before)))::text[], \(NullableTexts(entries.map(\.after)))::text[])
                 WITH ORDINALITY AS a (actor, source, action, entity, entity_id, before, after, n)
            ORDER BY a.n
            """)
    }
}

private struct AttendanceKey: Hashable {
    var enrolmentID: UUID
    var day: Day
}

/// A text array whose elements may be NULL.
private struct NullableTexts: PostgresEncodable {
    var values: [String?]
    init(_ values: [String?]) { self.values = values }
    static var postgresType: PostgresType { .textArray }
    var postgresText: String? {
        "{"
            + values.map { value in value.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" } ?? "NULL" }
            .joined(separator: ",") + "}"
    }
}
