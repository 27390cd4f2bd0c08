import Foundation
import KalanCore
import Postgres

/// The signed sign-in sheets' scans (table attendance_scan, migration 0017): added, never changed.
extension PostgresUnitOfWork: AttendanceScanStore {
    static let scanColumns = "a.id, s.code AS session_code, a.day, a.media_type, a.file_name, octet_length(a.content) AS size, a.sha256, a.uploaded_by, a.uploaded_at"

    func insert(_ scan: AttendanceScan, sessionID: UUID, content: Data) async throws -> Bool {
        try await !query(
            """
            INSERT INTO attendance_scan (id, session_id, day, media_type, file_name, content, sha256, uploaded_by, uploaded_at)
            VALUES (\(scan.id), \(sessionID), \(scan.day), \(scan.mediaType.rawValue), \(scan.fileName), \(content), \(scan.sha256), \(scan.uploadedBy),
                    \(scan.uploadedAt))
            ON CONFLICT (session_id, day, sha256) DO NOTHING RETURNING id
            """
        ).isEmpty
    }

    func attendanceScans(sessionID: UUID, day: Day?) async throws -> [AttendanceScan] {
        var sql: PostgresQuery = """
            SELECT \(unescaped: Self.scanColumns) FROM attendance_scan a JOIN training_session s ON s.id = a.session_id WHERE a.session_id = \(sessionID)
            """
        if let day { sql.append(" AND a.day = \(day)") }
        sql.append(" ORDER BY a.day, a.uploaded_at, a.id")
        return try await query(sql).map { try Self.scan($0) }
    }

    func attendanceScan(id: UUID, sessionID: UUID) async throws -> (scan: AttendanceScan, content: Data)? {
        guard
            let row = try await query(
                """
                SELECT \(unescaped: Self.scanColumns), a.content FROM attendance_scan a JOIN training_session s ON s.id = a.session_id
                WHERE a.id = \(id) AND a.session_id = \(sessionID)
                """
            ).first
        else { return nil }
        return (try Self.scan(row), try row.decode("content"))
    }

    func attendanceScans(traineeID: UUID) async throws -> [AttendanceScan] {
        try await query(
            """
            SELECT \(unescaped: Self.scanColumns) FROM attendance_scan a JOIN training_session s ON s.id = a.session_id
            WHERE a.session_id IN (SELECT e.session_id FROM enrolment e WHERE e.trainee_id = \(traineeID) AND e.status IN ('enrolled', 'completed', 'failed'))
            ORDER BY a.day DESC, a.uploaded_at DESC, a.id
            """
        ).map { try Self.scan($0) }
    }

    static func scan(_ row: PostgresRow) throws -> AttendanceScan {
        let type: String = try row.decode("media_type")
        return AttendanceScan(
            id: try row.decode("id"), sessionCode: try row.decode("session_code"), day: try row.decode("day"), mediaType: ScanMediaType(rawValue: type) ?? .pdf,
            fileName: try row.decode("file_name"), size: try row.decode("size"), sha256: try row.decode("sha256"), uploadedBy: try row.decode("uploaded_by"),
            uploadedAt: try row.decode("uploaded_at"))
    }
}
