import Foundation
import KalanCore
import Postgres

/// Files abroad (sql/migrations/0019_cooperation.sql): the expected return is the view
/// `abroad_file_due`'s (the last extension's day, or the planned one).
extension PostgresUnitOfWork {
    func insertAbroadFile(
        id: UUID, enrolmentID: UUID, authorisation: (number: String, date: Day)?, departsOn: Day, returnsOn: Day, funding: AbroadFunding
    ) async throws {
        try await query(
            """
            INSERT INTO abroad_file (id, enrolment_id, authorisation_number, authorisation_date, departs_on, returns_on, funding)
            VALUES (\(id), \(enrolmentID), \(authorisation?.number), \(authorisation?.date), \(departsOn), \(returnsOn), \(funding.rawValue))
            """)
    }

    static let abroadSelect = """
        SELECT f.id, t.staff_number, t.given_name || ' ' || t.family_name AS name, d.code AS department, s.code AS session, s.city, s.country,
               f.authorisation_number, f.authorisation_date, f.departs_on, f.returns_on, f.due_on, f.resumed_on, f.funding, f.report_name
        FROM abroad_file_due f JOIN enrolment e ON e.id = f.enrolment_id JOIN trainee t ON t.id = e.trainee_id
        JOIN training_session s ON s.id = e.session_id LEFT JOIN department d ON d.id = t.department_id
        """

    func abroadFile(id: UUID) async throws -> AbroadFile? {
        guard var file = try await query("\(unescaped: Self.abroadSelect) WHERE f.id = \(id)").first.map(Self.abroadFile) else { return nil }
        file.extensions = try await query(
            "SELECT returns_on, reason, recorded_at, recorded_by FROM abroad_extension WHERE file_id = \(id) ORDER BY id"
        ).map {
            AbroadExtension(returnsOn: try $0.decode("returns_on"), reason: try $0.decode("reason"), recordedAt: try $0.decode("recorded_at"), recordedBy: try $0.decode("recorded_by"))
        }
        return file
    }

    func abroadFiles(departmentCode: String?) async throws -> [AbroadFile] {
        var sql: PostgresQuery = "\(unescaped: Self.abroadSelect) WHERE true"
        if let departmentCode { sql.append(" AND d.code = \(departmentCode)") }
        sql.append(" ORDER BY f.due_on, t.family_name, t.given_name, t.staff_number")
        return try await query(sql).map(Self.abroadFile)
    }

    static func abroadFile(_ row: PostgresRow) throws -> AbroadFile {
        AbroadFile(
            id: try row.decode("id"), staffNumber: try row.decode("staff_number"), name: try row.decode("name"), departmentCode: try row.decode("department"),
            sessionCode: try row.decode("session"), city: try row.decode("city"), country: try row.decode("country"),
            authorisationNumber: try row.decode("authorisation_number"), authorisationDate: try row.decode("authorisation_date"),
            departsOn: try row.decode("departs_on"), returnsOn: try row.decode("returns_on"), dueOn: try row.decode("due_on"), resumedOn: try row.decode("resumed_on"),
            funding: try row.decode("funding", as: AbroadFunding.self), extensions: [], reportName: try row.decode("report_name"))
    }

    func recordResumption(fileID: UUID, on day: Day) async throws {
        try await query("UPDATE abroad_file SET resumed_on = \(day), updated_at = now() WHERE id = \(fileID)")
    }

    func addExtension(fileID: UUID, returnsOn: Day, reason: String, by actor: String) async throws {
        try await query("INSERT INTO abroad_extension (file_id, returns_on, reason, recorded_by) VALUES (\(fileID), \(returnsOn), \(reason), \(actor))")
    }

    func attachReport(fileID: UUID, name: String, data: Data, at: Date) async throws {
        try await query("UPDATE abroad_file SET report_name = \(name), report = \(data), report_at = \(at), updated_at = now() WHERE id = \(fileID)")
    }

    func abroadReport(fileID: UUID) async throws -> (name: String, data: Data)? {
        guard let row = try await query("SELECT report_name, report FROM abroad_file WHERE id = \(fileID) AND report IS NOT NULL").first else { return nil }
        return (try row.decode("report_name"), try row.decode("report"))
    }
}
