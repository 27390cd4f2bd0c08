import Foundation
import KalanCore
import Postgres

/// Cohort statistics in one aggregate query: the groups and the total come from the same
/// GROUPING SETS, so they always add up.
extension PostgresUnitOfWork {
    /// The SQL for each dimension, over the `cohort` rows below. Fixed text, never user input.
    static func expression(_ dimension: CohortDimension) -> String {
        switch dimension {
        case .session: "session_code"
        case .course: "course_code"
        case .domain: "domain"
        case .programme: "programme_code"
        case .partner: "partner_code"
        case .department: "department_code"
        case .sex: "sex"
        case .category: "category"
        case .year: "to_char(starts_on, 'YYYY')"
        case .quarter: "to_char(starts_on, 'YYYY-\"Q\"Q')"
        case .month: "to_char(starts_on, 'YYYY-MM')"
        }
    }

    /// The query's filters on the session (s), its course (c), partner (p) and programmes (ps, pc).
    static func sessionFilters(_ q: CohortQuery) -> PostgresQuery {
        var sql: PostgresQuery = ""
        if let from = q.from { sql.append(" AND s.starts_on >= \(from)") }
        if let to = q.to { sql.append(" AND s.starts_on <= \(to)") }
        if let course = q.courseCode { sql.append(" AND c.code = \(course)") }
        if let partner = q.partnerCode { sql.append(" AND p.code = \(partner)") }
        if let programme = q.programmeCode { sql.append(" AND coalesce(ps.code, pc.code) = \(programme)") }
        if let domain = q.domain { sql.append(" AND c.domain = \(domain)") }
        if let trainer = q.trainerID { sql.append(" AND EXISTS (SELECT 1 FROM session_trainer st WHERE st.session_id = s.id AND st.user_id = \(trainer))") }
        return sql
    }

    func cohorts(_ q: CohortQuery) async throws -> CohortReport {
        guard let cohortIndex else { return try await cohortsByScan(q) }
        let facts = try await refreshed(cohortIndex)
        return CohortTally.report(q, facts: facts, selection: try await selection(q))
    }

    /// The report straight from the tables, in one aggregate query (seconds at a million
    /// enrolments): for one-off commands, and the reference the in-memory report is tested against.
    func cohortsByScan(_ q: CohortQuery) async throws -> CohortReport {
        // Distinct counts per group sort in memory rather than on disk (this transaction only).
        try await connection.run("SET LOCAL work_mem = '64MB'")
        var sql: PostgresQuery = """
            WITH cohort AS (
                SELECT e.id, e.status, e.trainee_id, t.sex, coalesce(t.category, '') AS category, coalesce(d.code, '') AS department_code,
                       s.code AS session_code, s.starts_on, c.code AS course_code, c.domain, p.code AS partner_code,
                       coalesce(ps.code, pc.code, '') AS programme_code
                FROM enrolment e
                JOIN training_session s ON s.id = e.session_id
                JOIN course c ON c.id = s.course_id
                JOIN partner p ON p.id = s.partner_id
                JOIN trainee t ON t.id = e.trainee_id
                LEFT JOIN department d ON d.id = t.department_id
                LEFT JOIN programme ps ON ps.id = s.programme_id
                LEFT JOIN programme pc ON pc.id = c.programme_id
                WHERE true
            """
        sql.append(Self.sessionFilters(q))
        if let department = q.departmentCode { sql.append(" AND d.code = \(department)") }
        let groups = q.by.enumerated().map { "\(Self.expression($1)) AS g\($0)" }
        let keys = q.by.indices.map { "g\($0)" }
        let statuses = EnrolmentStatus.allCases.map { "count(*) FILTER (WHERE k.status = '\($0.rawValue)') AS \"s_\($0.rawValue)\"" }
        sql.append(
            """
            ),
            keyed AS (SELECT cohort.*\(unescaped: groups.isEmpty ? "" : ", " + groups.joined(separator: ", ")) FROM cohort),
            days AS (
                SELECT a.enrolment_id, count(*) FILTER (WHERE a.status = 'present') AS present, count(*) FILTER (WHERE a.status <> 'excused') AS marked
                FROM attendance a WHERE a.enrolment_id IN (SELECT id FROM cohort) GROUP BY a.enrolment_id
            )
            SELECT \(unescaped: keys.isEmpty ? "" : keys.joined(separator: ", ") + ",")
                   \(unescaped: keys.isEmpty ? "1" : "GROUPING(" + keys.joined(separator: ", ") + ")") AS is_total,
                   count(*) AS enrolments, count(DISTINCT k.trainee_id) AS trainees,
                   count(DISTINCT k.trainee_id) FILTER (WHERE k.sex = 'F') AS women,
                   coalesce(sum(days.present), 0)::bigint AS present_days, coalesce(sum(days.marked), 0)::bigint AS marked_days,
                   avg(pre.score)::float8 AS mean_pre, avg(post.score)::float8 AS mean_post,
                   avg(post.score - pre.score)::float8 AS mean_gain,
                   count(cert.id) AS issued, count(cert.revoked_at) AS revoked,
                   \(unescaped: statuses.joined(separator: ", "))
            FROM keyed k
            LEFT JOIN days ON days.enrolment_id = k.id
            LEFT JOIN assessment pre ON pre.enrolment_id = k.id AND pre.kind = 'pre'
            LEFT JOIN assessment post ON post.enrolment_id = k.id AND post.kind = 'post'
            LEFT JOIN certificate cert ON cert.enrolment_id = k.id
            \(unescaped: keys.isEmpty ? "" : "GROUP BY GROUPING SETS ((" + keys.joined(separator: ", ") + "), ()) ORDER BY is_total, " + keys.joined(separator: ", "))
            """)
        var report = CohortReport(dimensions: q.by, groups: [], total: Self.emptyFigures())
        for row in try await query(sql) {
            var figures = CohortFigures(
                group: try q.by.indices.map { try row.decode("g\($0)", as: String?.self) ?? "" },
                enrolments: try row.decode("enrolments"),
                statuses: Dictionary(uniqueKeysWithValues: try EnrolmentStatus.allCases.map { ($0.rawValue, try row.decode("s_\($0.rawValue)", as: Int.self)) }),
                trainees: try row.decode("trainees"), women: try row.decode("women"), presentDays: try row.decode("present_days"),
                markedDays: try row.decode("marked_days"), meanPreScore: try row.decode("mean_pre"), meanPostScore: try row.decode("mean_post"),
                meanGain: try row.decode("mean_gain"), certificatesIssued: try row.decode("issued"), certificatesRevoked: try row.decode("revoked"))
            if try row.decode("is_total", as: Int.self) != 0 {
                figures.group = []
                report.total = figures
            } else {
                report.groups.append(figures)
            }
        }
        return report
    }

    static func emptyFigures() -> CohortFigures {
        CohortFigures(
            group: [], enrolments: 0, statuses: Dictionary(uniqueKeysWithValues: EnrolmentStatus.allCases.map { ($0.rawValue, 0) }), trainees: 0, women: 0,
            presentDays: 0, markedDays: 0, meanPreScore: nil, meanPostScore: nil, meanGain: nil, certificatesIssued: 0, certificatesRevoked: 0)
    }

    func programmeProgress() async throws -> [ProgrammeProgress] {
        guard let cohortIndex else { return try await programmeProgressByScan() }
        let facts = try await refreshed(cohortIndex)
        let inputs = try await programmeInputs()
        return inputs.progress(CohortTally.programmes(facts: facts, sessionProgramme: inputs.sessions))
    }

    /// What programme progress reads besides the index: each session's programme, and the programmes.
    func programmeInputs() async throws -> ProgrammeInputs {
        var sessions: [Int: UUID] = [:]
        for row in try await query(
            """
            SELECT s.ordinal, coalesce(s.programme_id, c.programme_id) AS programme_id
            FROM training_session s JOIN course c ON c.id = s.course_id WHERE coalesce(s.programme_id, c.programme_id) IS NOT NULL
            """)
        {
            sessions[try row.decode("ordinal")] = try row.decode("programme_id")
        }
        let programmes = try await query("SELECT id, code, name_fr, name_en, starts_on, ends_on, target_trainees FROM programme ORDER BY starts_on, code").map {
            (
                id: try $0.decode("id", as: UUID.self),
                progress: ProgrammeProgress(
                    code: try $0.decode("code"), nameFR: try $0.decode("name_fr"), nameEN: try $0.decode("name_en"), startsOn: try $0.decode("starts_on"),
                    endsOn: try $0.decode("ends_on"), target: try $0.decode("target_trainees"), trained: 0, enrolled: 0)
            )
        }
        return ProgrammeInputs(sessions: sessions, programmes: programmes)
    }

    /// Programme progress straight from the tables (the reference for the index).
    func programmeProgressByScan() async throws -> [ProgrammeProgress] {
        try await query(
            """
            SELECT g.code, g.name_fr, g.name_en, g.starts_on, g.ends_on, g.target_trainees,
                   count(DISTINCT e.trainee_id) FILTER (WHERE e.status = 'completed') AS trained,
                   count(DISTINCT e.trainee_id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'failed')) AS enrolled
            FROM programme g
            LEFT JOIN (enrolment e JOIN training_session s ON s.id = e.session_id JOIN course c ON c.id = s.course_id)
                   ON coalesce(s.programme_id, c.programme_id) = g.id
            GROUP BY g.id ORDER BY g.starts_on, g.code
            """
        ).map {
            ProgrammeProgress(
                code: try $0.decode("code"), nameFR: try $0.decode("name_fr"), nameEN: try $0.decode("name_en"), startsOn: try $0.decode("starts_on"),
                endsOn: try $0.decode("ends_on"), target: try $0.decode("target_trainees"), trained: try $0.decode("trained"), enrolled: try $0.decode("enrolled"))
        }
    }
}

/// Programme progress's reads besides the index, and the counts put in place.
struct ProgrammeInputs: Sendable {
    var sessions: [Int: UUID]
    var programmes: [(id: UUID, progress: ProgrammeProgress)]

    func progress(_ counts: [UUID: (trained: Int, enrolled: Int)]) -> [ProgrammeProgress] {
        programmes.map { programme in
            var progress = programme.progress
            (progress.trained, progress.enrolled) = counts[programme.id] ?? (0, 0)
            return progress
        }
    }
}
