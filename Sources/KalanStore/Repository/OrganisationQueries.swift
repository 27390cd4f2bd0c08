import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    static let departmentColumns = "id, code, name_fr, name_en, kind, parent_id"

    func departments() async throws -> [Department] {
        try await query("SELECT \(unescaped: Self.departmentColumns) FROM department ORDER BY code").map(Self.department)
    }

    func department(code: String) async throws -> Department? {
        try await query("SELECT \(unescaped: Self.departmentColumns) FROM department WHERE code = \(code)").first.map(Self.department)
    }

    func insert(_ d: Department) async throws {
        try await query(
            """
            INSERT INTO department (id, code, name_fr, name_en, kind, parent_id)
            VALUES (\(d.id), \(d.code), \(d.nameFR), \(d.nameEN), \(d.kind.rawValue), \(d.parentID))
            """)
    }

    static func department(_ row: PostgresRow) throws -> Department {
        Department(
            id: try row.decode("id"), code: try row.decode("code"), nameFR: try row.decode("name_fr"), nameEN: try row.decode("name_en"),
            kind: try row.decode("kind", as: DepartmentKind.self), parentID: try row.decode("parent_id"))
    }

    static let traineeColumns =
        "t.id, t.staff_number, t.given_name, t.family_name, t.sex, t.category, t.position, t.department_id, t.email, t.phone, t.active, t.version"

    /// The staff member with this number, whatever the case it was typed in (the exact spelling
    /// first, should two numbers differ only by case).
    func trainee(staffNumber: String) async throws -> Trainee? {
        try await query(
            """
            SELECT \(unescaped: Self.traineeColumns) FROM trainee t WHERE upper(t.staff_number) = upper(\(staffNumber))
            ORDER BY t.staff_number = \(staffNumber) DESC, t.staff_number LIMIT 1
            """
        ).first.map(Self.trainee)
    }

    func trainee(id: UUID) async throws -> Trainee? {
        try await query("SELECT \(unescaped: Self.traineeColumns) FROM trainee t WHERE t.id = \(id)").first.map(Self.trainee)
    }

    func trainees(_ filter: TraineeFilter) async throws -> [Trainee] {
        var sql: PostgresQuery = "SELECT \(unescaped: Self.traineeColumns) FROM trainee t LEFT JOIN department d ON d.id = t.department_id WHERE true"
        Self.appendConditions(of: filter, to: &sql)
        let direction = filter.order.descending ? "DESC" : "ASC"
        if let after = filter.after {
            let comparison = filter.order.descending ? "<" : ">"
            if filter.order.byName {
                sql.append(
                    " AND (t.family_name, t.given_name, t.staff_number) \(unescaped: comparison) (\(after.familyName), \(after.givenName), \(after.staffNumber))")
            } else {
                sql.append(" AND t.staff_number \(unescaped: comparison) \(after.staffNumber)")
            }
        }
        let columns = filter.order.byName ? ["t.family_name", "t.given_name", "t.staff_number"] : ["t.staff_number"]
        sql.append(" ORDER BY \(unescaped: columns.map { "\($0) \(direction)" }.joined(separator: ", ")) LIMIT \(filter.limit)")
        return try await query(sql).map(Self.trainee)
    }

    func traineeCount(_ filter: TraineeFilter) async throws -> Int {
        var sql: PostgresQuery = "SELECT count(*) AS n FROM trainee t LEFT JOIN department d ON d.id = t.department_id WHERE true"
        Self.appendConditions(of: filter, to: &sql)
        return try await query(sql).first?.decode("n", as: Int.self) ?? 0
    }

    /// Every word of the search must occur in the folded family name, given name or staff number
    /// (accents, case and apostrophes ignored), so names match in either order; the trigram index
    /// of sql/0005 serves the LIKE.
    static func appendConditions(of filter: TraineeFilter, to sql: inout PostgresQuery) {
        if let search = filter.search?.nonEmptyNormalisedText {
            let words = search.split(whereSeparator: { $0.isWhitespace }).prefix(8)
            for word in words {
                let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                sql.append(
                    " AND public.kalan_trainee_key(t.family_name, t.given_name, t.staff_number) LIKE '%' || public.kalan_fold(\(escaped)) || '%'")
            }
        }
        if let code = filter.departmentCode { sql.append(" AND d.code = \(code)") }
        if let active = filter.active { sql.append(" AND t.active = \(active)") }
    }

    func insert(_ t: Trainee) async throws {
        try await query(
            """
            INSERT INTO trainee (id, staff_number, given_name, family_name, sex, category, position, department_id, email, phone, active)
            VALUES (\(t.id), \(t.staffNumber), \(t.givenName), \(t.familyName), \(t.sex.rawValue), \(t.category), \(t.position),
                    \(t.departmentID), \(t.email), \(t.phone), \(t.active))
            """)
    }

    func update(_ t: Trainee) async throws -> Trainee {
        let rows = try await query(
            """
            UPDATE trainee SET given_name = \(t.givenName), family_name = \(t.familyName), sex = \(t.sex.rawValue), category = \(t.category),
                position = \(t.position), department_id = \(t.departmentID), email = \(t.email), phone = \(t.phone), active = \(t.active),
                version = version + 1, updated_at = now()
            WHERE id = \(t.id) AND version = \(t.version)
            RETURNING version
            """)
        guard let row = rows.first else { throw KalanError.stale(.trainee) }
        var saved = t
        saved.version = try row.decode("version")
        return saved
    }

    static func trainee(_ row: PostgresRow) throws -> Trainee {
        Trainee(
            id: try row.decode("id"), staffNumber: try row.decode("staff_number"), givenName: try row.decode("given_name"),
            familyName: try row.decode("family_name"), sex: try row.decode("sex", as: Sex.self), category: try row.decode("category"),
            position: try row.decode("position"), departmentID: try row.decode("department_id"), email: try row.decode("email"),
            phone: try row.decode("phone"), active: try row.decode("active"), version: try row.decode("version"))
    }
}
