import Foundation
import KalanCore
import Postgres

/// Attendance sheets and their revisions (sql/0002_closed_results.sql keeps the revisions).
extension PostgresUnitOfWork {
    func attendanceSheet(sessionID: UUID, day: Day) async throws -> [SavedMark] {
        let rows = try await query(
            """
            SELECT e.id, e.status AS enrolment_status, t.staff_number, t.given_name, t.family_name, a.status, coalesce(a.revision, 0) AS revision
            FROM enrolment e JOIN trainee t ON t.id = e.trainee_id
            LEFT JOIN attendance a ON a.enrolment_id = e.id AND a.day = \(day)
            WHERE e.session_id = \(sessionID) AND e.status IN ('enrolled', 'completed', 'failed')
            ORDER BY t.family_name, t.given_name, t.staff_number
            """)
        return try rows.map { row in
            SavedMark(
                enrolmentID: try row.decode("id"), enrolmentStatus: try row.decode("enrolment_status", as: EnrolmentStatus.self),
                staffNumber: try row.decode("staff_number"),
                fullName: "\(try row.decode("given_name", as: String.self)) \(try row.decode("family_name", as: String.self))",
                status: try row.decodeIfPresent("status", as: AttendanceStatus.self), revision: try row.decode("revision"))
        }
    }

    func attendanceRevision(sessionID: UUID, day: Day, lock: Bool) async throws -> Int {
        guard lock else {
            return try await query("SELECT revision FROM attendance_sheet WHERE session_id = \(sessionID) AND day = \(day)").first?.decode("revision") ?? 0
        }
        // The sheet row exists from here on, locked until the transaction ends.
        try await query(
            "INSERT INTO attendance_sheet (session_id, day, revision) VALUES (\(sessionID), \(day), 0) ON CONFLICT (session_id, day) DO NOTHING")
        return try await query("SELECT revision FROM attendance_sheet WHERE session_id = \(sessionID) AND day = \(day) FOR UPDATE").first!.decode("revision")
    }

    func markedEnrolledLines(sessionID: UUID) async throws -> [Day: Int] {
        var result: [Day: Int] = [:]
        for row in try await query(
            """
            SELECT a.day, count(*) AS n FROM attendance a JOIN enrolment e ON e.id = a.enrolment_id
            WHERE e.session_id = \(sessionID) AND e.status = 'enrolled' GROUP BY a.day
            """)
        {
            result[try row.decode("day")] = try row.decode("n")
        }
        return result
    }
}
