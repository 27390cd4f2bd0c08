import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    func certificateListing(search: String?, limit: Int) async throws -> [CertificateListing] {
        // The certificate's own columns, qualified: the joined tables have ids too.
        let columns = Self.certificateColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        var sql: PostgresQuery = """
            SELECT \(unescaped: columns), t.staff_number, t.given_name, t.family_name, s.code AS session_code, co.title_fr, co.title_en
            FROM certificate c JOIN enrolment e ON e.id = c.enrolment_id JOIN trainee t ON t.id = e.trainee_id
            JOIN training_session s ON s.id = e.session_id JOIN course co ON co.id = s.course_id WHERE true
            """
        Self.appendCertificateSearch(search, to: &sql)
        sql.append(" ORDER BY c.issued_on DESC, c.serial DESC LIMIT \(limit)")
        return try await query(sql).map { row in
            let given: String = try row.decode("given_name"), family: String = try row.decode("family_name")
            return CertificateListing(
                certificate: try Self.certificate(row), staffNumber: try row.decode("staff_number"), holder: "\(given) \(family)",
                sessionCode: try row.decode("session_code"), courseTitleFR: try row.decode("title_fr"), courseTitleEN: try row.decode("title_en"))
        }
    }

    func certificateCount(search: String?) async throws -> Int {
        var sql: PostgresQuery = """
            SELECT count(*) AS n FROM certificate c JOIN enrolment e ON e.id = c.enrolment_id JOIN trainee t ON t.id = e.trainee_id
            JOIN training_session s ON s.id = e.session_id WHERE true
            """
        Self.appendCertificateSearch(search, to: &sql)
        return try await query(sql).first?.decode("n", as: Int.self) ?? 0
    }

    static func appendCertificateSearch(_ search: String?, to sql: inout PostgresQuery) {
        guard let search = search?.nonEmptyNormalisedText else { return }
        for word in search.split(whereSeparator: { $0.isWhitespace }).prefix(8) {
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            sql.append(
                " AND public.kalan_fold(c.serial || ' ' || s.code || ' ' || t.family_name || ' ' || t.given_name || ' ' || t.staff_number) LIKE '%' || public.kalan_fold(\(escaped)) || '%'"
            )
        }
    }
}
