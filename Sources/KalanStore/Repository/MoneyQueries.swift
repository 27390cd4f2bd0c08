import Foundation
import KalanCore
import Postgres

/// The money statistics, straight from the tables in one query: cost lines are few (a handful per
/// session), so the cohort index is not needed; the sessions are chosen by the cohort statistics'
/// own filters (`sessionFilters`).
extension PostgresUnitOfWork {
    /// The SQL of each money group, over `lines` (l), `chosen` sessions (s) and partners (pp, the payer). Fixed text.
    static func moneyExpression(_ dimension: MoneyDimension?) -> String {
        switch dimension {
        case nil: "''"
        case .funder?: "CASE l.payer_kind WHEN 'state' THEN 'state' WHEN 'partner' THEN 'partner:' || pp.code ELSE 'other:' || l.payer_name END"
        case .partner?: "s.partner_code"
        case .programme?: "s.programme_code"
        case .domain?: "s.domain"
        case .year?: "to_char(s.starts_on, 'YYYY')"
        }
    }

    func money(_ m: MoneyQuery) async throws -> MoneyReport {
        var groups: [MoneyFigures] = []
        var total = MoneyFigures(group: "", sessions: 0, costXOF: 0, participants: 0, completions: 0, certificates: 0)
        for figures in try await moneyRows(m.filters, group: Self.moneyExpression(m.by), partnersOnly: false) {
            if figures.group == "\u{0}" {
                total = figures
                total.group = ""
            } else if m.by != nil {
                groups.append(figures)
            }
        }
        // Partners' contributions: their own lines, grouped by year and paying partner.
        var names: [String: String] = [:]
        for row in try await query("SELECT code, name FROM partner") { names[try row.decode("code")] = try row.decode("name") }
        let contributions = try await moneyRows(m.filters, group: "to_char(s.starts_on, 'YYYY') || ' ' || pp.code", partnersOnly: true).compactMap {
            figures -> PartnerContribution? in
            let parts = figures.group.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let year = Int(parts[0]) else { return nil }
            return PartnerContribution(year: year, partnerCode: parts[1], partnerName: names[parts[1]] ?? parts[1], xof: figures.costXOF)
        }
        return MoneyReport(dimension: m.by, groups: groups, total: total, contributions: contributions)
    }

    /// One line per group (`group`: SQL over l, s and pp), then the total as the group "\0".
    func moneyRows(_ q: CohortQuery, group: String, partnersOnly: Bool) async throws -> [MoneyFigures] {
        let department = q.departmentCode
        // Participants counted: all of a session's (the share's divisor) and the department's (or all).
        let admitted = "e.status IN ('enrolled', 'completed', 'failed', 'withdrawn', 'no_show')"
        var sql: PostgresQuery = """
            WITH chosen AS (
                SELECT s.id, s.starts_on, c.domain, p.code AS partner_code, coalesce(ps.code, pc.code, '') AS programme_code
                FROM training_session s
                JOIN course c ON c.id = s.course_id
                JOIN partner p ON p.id = s.partner_id
                LEFT JOIN programme ps ON ps.id = s.programme_id
                LEFT JOIN programme pc ON pc.id = c.programme_id
                WHERE EXISTS (SELECT 1 FROM cost_line x WHERE x.session_id = s.id)
            """
        sql.append(Self.sessionFilters(q))
        sql.append(
            """
            ),
            heads AS (
                SELECT s.id,
                       count(e.id) FILTER (WHERE \(unescaped: admitted)) AS everyone,
                       count(e.id) FILTER (WHERE \(unescaped: admitted) AND (\(department)::text IS NULL OR d.code = \(department))) AS participants,
                       count(e.id) FILTER (WHERE e.status = 'completed' AND (\(department)::text IS NULL OR d.code = \(department))) AS completions,
                       count(cert.id) FILTER (WHERE cert.revoked_at IS NULL AND (\(department)::text IS NULL OR d.code = \(department))) AS certificates
                FROM chosen s
                LEFT JOIN enrolment e ON e.session_id = s.id
                LEFT JOIN trainee t ON t.id = e.trainee_id
                LEFT JOIN department d ON d.id = t.department_id
                LEFT JOIN certificate cert ON cert.enrolment_id = e.id
                GROUP BY s.id
            ),
            pieces AS (
                SELECT s.id AS session_id, \(unescaped: group) AS g, sum(l.amount_xof) AS xof
                FROM chosen s JOIN cost_line l ON l.session_id = s.id LEFT JOIN partner pp ON pp.id = l.payer_partner_id
                WHERE \(unescaped: partnersOnly ? "l.payer_kind = 'partner'" : "true")
                GROUP BY 1, 2
            ),
            shares AS (
                -- A department's share of a session's cost: cost × its participants ÷ all, rounded half up.
                SELECT p.g, p.session_id, h.participants, h.completions, h.certificates,
                       CASE WHEN \(department)::text IS NULL THEN p.xof
                            WHEN h.everyone = 0 THEN 0
                            ELSE div(2 * p.xof::numeric * h.participants + h.everyone, 2 * h.everyone)::bigint END AS xof
                FROM pieces p JOIN heads h ON h.id = p.session_id
            )
            SELECT g, false AS is_total, count(*) AS sessions, coalesce(sum(xof), 0)::bigint AS xof, coalesce(sum(participants), 0)::bigint AS participants,
                   coalesce(sum(completions), 0)::bigint AS completions, coalesce(sum(certificates), 0)::bigint AS certificates
            FROM shares GROUP BY g
            UNION ALL
            SELECT '', true, count(*), coalesce((SELECT sum(xof) FROM shares), 0)::bigint, coalesce(sum(participants), 0)::bigint,
                   coalesce(sum(completions), 0)::bigint, coalesce(sum(certificates), 0)::bigint
            FROM heads
            ORDER BY is_total, g
            """)
        return try await query(sql).map { row in
            let total = try row.decode("is_total", as: Bool.self)
            return MoneyFigures(
                group: total ? "\u{0}" : try row.decode("g", as: String?.self) ?? "", sessions: try row.decode("sessions"), costXOF: try row.decode("xof"),
                participants: try row.decode("participants"), completions: try row.decode("completions"), certificates: try row.decode("certificates"))
        }
    }
}
