import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    func importTrainees(_ rows: [TraineeImportRow], actor: Actor, progress: ProgressReport?) async throws -> TraineeImportSummary {
        try await connection.run(
            """
            CREATE TEMP TABLE trainee_import (
                line int, staff_number text, given_name text, family_name text, sex text, category text, position text,
                department_code text, email text, phone text, active boolean
            ) ON COMMIT DROP
            """)
        try await connection.copyIn(
            "COPY trainee_import (line, staff_number, given_name, family_name, sex, category, position, department_code, email, phone, active) FROM STDIN"
        ) { write in
            var chunk = ChunkWriter(write: write)
            for (index, r) in rows.enumerated() {
                if index % 5_000 == 0 { progress?(index, rows.count) }
                let fields: [String?] = [
                    String(r.line), r.staffNumber, r.givenName, r.familyName, r.sex.rawValue, r.category, r.position, r.departmentCode, r.email, r.phone,
                    r.active ? "t" : "f",
                ]
                try chunk.line(fields.map(Self.copyText).joined(separator: "\t"))
            }
            try chunk.flush()
            progress?(rows.count, rows.count)
        }
        let unknown = try await query(
            """
            SELECT line, department_code FROM trainee_import i
            WHERE department_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM department d WHERE d.code = i.department_code)
            ORDER BY line
            """
        ).map { (line: try $0.decode("line", as: Int.self), code: try $0.decode("department_code", as: String.self)) }
        if !unknown.isEmpty { return TraineeImportSummary(inserted: 0, updated: 0, unchanged: 0, unknownDepartments: unknown) }

        try await connection.run(
            "CREATE TEMP TABLE trainee_before ON COMMIT DROP AS SELECT t.* FROM trainee t JOIN trainee_import i USING (staff_number)")
        // The upsert counts what it did in the database: no row per staff member comes back.
        let counts = try await query(
            """
            WITH changed AS (
                INSERT INTO trainee (staff_number, given_name, family_name, sex, category, position, department_id, email, phone, active)
                SELECT i.staff_number, i.given_name, i.family_name, i.sex, i.category, i.position, d.id, i.email, i.phone, i.active
                FROM trainee_import i LEFT JOIN department d ON d.code = i.department_code
                ON CONFLICT (staff_number) DO UPDATE SET
                    given_name = excluded.given_name, family_name = excluded.family_name, sex = excluded.sex, category = excluded.category,
                    position = excluded.position, department_id = excluded.department_id, email = excluded.email, phone = excluded.phone,
                    active = excluded.active, version = trainee.version + 1, updated_at = now()
                WHERE (trainee.given_name, trainee.family_name, trainee.sex, trainee.category, trainee.position, trainee.department_id,
                       trainee.email, trainee.phone, trainee.active)
                    IS DISTINCT FROM (excluded.given_name, excluded.family_name, excluded.sex, excluded.category, excluded.position,
                       excluded.department_id, excluded.email, excluded.phone, excluded.active)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) AS changed FROM changed
            """
        ).firstRow()
        let inserted: Int = try counts.decode("inserted")
        let changed: Int = try counts.decode("changed")
        // The audit log: one row for the staff the file created (their staff numbers, in file
        // order), and one row per staff member it changed, with the record before and after.
        try await query(
            """
            INSERT INTO audit_event (actor, source, action, entity, entity_id, after)
            SELECT \(actor.name), \(actor.source), 'trainee.import.create', 'trainee', NULL,
                   jsonb_build_object('count', count(*), 'staff_numbers', jsonb_agg(i.staff_number ORDER BY i.line))
            FROM trainee_import i WHERE NOT EXISTS (SELECT 1 FROM trainee_before b WHERE b.staff_number = i.staff_number)
            HAVING count(*) > 0
            """)
        try await query(
            """
            INSERT INTO audit_event (actor, source, action, entity, entity_id, before, after)
            SELECT \(actor.name), \(actor.source), 'trainee.import.update', 'trainee', t.staff_number,
                   to_jsonb(b) - 'created_at' - 'updated_at', to_jsonb(t) - 'created_at' - 'updated_at'
            FROM trainee_before b JOIN trainee t USING (staff_number)
            WHERE b.version <> t.version
            """)
        // The planner's statistics follow what was loaded (a first import can be the whole register).
        try await connection.run("ANALYZE trainee")
        return TraineeImportSummary(inserted: inserted, updated: changed - inserted, unchanged: rows.count - changed, unknownDepartments: [])
    }

    /// A value in COPY's text format: backslash escapes, `\N` for NULL.
    static func copyText(_ value: String?) -> String {
        guard let value else { return "\\N" }
        guard value.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return value }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
