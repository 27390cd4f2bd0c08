import Foundation
import KalanCore
import Postgres

/// Cost lines (sql/migrations/0019_cooperation.sql): the CFA amount is the database's generated
/// column, so that every reader gets the same integer.
extension PostgresUnitOfWork {
    func insert(_ l: CostLineRecord) async throws {
        try await query(
            """
            INSERT INTO cost_line (id, session_id, kind, description, amount_minor, currency, minor_exponent, rate_numerator, rate_denominator,
                                   payer_kind, payer_partner_id, payer_name, created_by)
            VALUES (\(l.id), \(l.sessionID), \(l.kind.rawValue), \(l.description), \(l.amount.minor), \(l.amount.currency.code),
                    \(l.amount.currency.exponent)::smallint, \(l.rate.numerator), \(l.rate.denominator), \(l.payer.rawValue), \(l.payerPartnerID),
                    \(l.payerName), \(l.createdBy))
            """)
    }

    func costLines(sessionID: UUID) async throws -> [CostLine] {
        try await query(
            """
            SELECT l.id, s.code AS session_code, l.kind, l.description, l.amount_minor, l.currency, l.minor_exponent::int AS exponent,
                   l.rate_numerator, l.rate_denominator, l.amount_xof, l.payer_kind, p.code AS partner_code, coalesce(l.payer_name, p.name) AS payer_name,
                   l.created_at, l.created_by
            FROM cost_line l JOIN training_session s ON s.id = l.session_id LEFT JOIN partner p ON p.id = l.payer_partner_id
            WHERE l.session_id = \(sessionID) ORDER BY l.created_at, l.id
            """
        ).map { row in
            CostLine(
                id: try row.decode("id"), sessionCode: try row.decode("session_code"), kind: try row.decode("kind", as: CostKind.self),
                description: try row.decode("description"),
                amount: Money(minor: try row.decode("amount_minor"), currency: Currency(code: try row.decode("currency"), exponent: try row.decode("exponent"))),
                rate: ExchangeRate(numerator: try row.decode("rate_numerator"), denominator: try row.decode("rate_denominator")),
                xof: try row.decode("amount_xof"), payer: try row.decode("payer_kind", as: PayerKind.self), payerPartnerCode: try row.decode("partner_code"),
                payerName: try row.decode("payer_name"), createdAt: try row.decode("created_at"), createdBy: try row.decode("created_by"))
        }
    }

    func deleteCostLine(id: UUID, sessionID: UUID) async throws -> Bool {
        try await query("DELETE FROM cost_line WHERE id = \(id) AND session_id = \(sessionID) RETURNING id").first != nil
    }

    func sessionCounts(sessionID: UUID) async throws -> SessionCounts {
        let row = try await query(
            """
            SELECT count(*) FILTER (WHERE e.status IN ('enrolled', 'completed', 'failed', 'withdrawn', 'no_show')) AS participants,
                   count(*) FILTER (WHERE e.status = 'completed') AS completions,
                   count(c.id) FILTER (WHERE c.revoked_at IS NULL) AS certificates
            FROM enrolment e LEFT JOIN certificate c ON c.enrolment_id = e.id WHERE e.session_id = \(sessionID)
            """
        ).first
        return SessionCounts(
            participants: try row?.decode("participants") ?? 0, completions: try row?.decode("completions") ?? 0, certificates: try row?.decode("certificates") ?? 0)
    }
}
