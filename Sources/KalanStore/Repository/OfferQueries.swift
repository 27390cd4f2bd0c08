import Foundation
import KalanCore
import Postgres

/// Offers and their shares (sql/migrations/0019_cooperation.sql); what each share has taken is
/// counted from the enrolments in the offer's sessions, as the database's trigger counts it.
extension PostgresUnitOfWork {
    func insert(_ o: OfferRecord) async throws {
        try await query(
            """
            INSERT INTO offer (id, code, partner_id, course_id, title, city, country, places, starts_on, ends_on, deadline, release_on, partner_pays)
            VALUES (\(o.id), \(o.code), \(o.partnerID), \(o.courseID), \(o.title), \(o.city), \(o.country), \(o.places), \(o.startsOn), \(o.endsOn),
                    \(o.deadline), \(o.releaseOn), \(o.partnerPays.map(\.rawValue))::text[])
            """)
    }

    func offers() async throws -> [Offer] { try await readOffers(code: nil) }

    func offer(code: String) async throws -> Offer? { try await readOffers(code: code).first }

    func readOffers(code: String?) async throws -> [Offer] {
        var sql: PostgresQuery = """
            SELECT o.id, o.code, p.code AS partner_code, p.name AS partner_name, c.code AS course_code, o.title, o.city, o.country, o.places,
                   o.starts_on, o.ends_on, o.deadline, o.release_on, array_to_string(o.partner_pays, ',') AS pays, o.released_at,
                   coalesce((SELECT string_agg(s.code, ',' ORDER BY s.starts_on, s.code) FROM training_session s WHERE s.offer_id = o.id), '') AS sessions
            FROM offer o JOIN partner p ON p.id = o.partner_id JOIN course c ON c.id = o.course_id
            """
        if let code { sql.append(" WHERE o.code = \(code)") }
        sql.append(" ORDER BY o.starts_on, o.code")
        var offers = try await query(sql).map { row in
            Offer(
                id: try row.decode("id"), code: try row.decode("code"), partnerCode: try row.decode("partner_code"), partnerName: try row.decode("partner_name"),
                courseCode: try row.decode("course_code"), title: try row.decode("title"), city: try row.decode("city"), country: try row.decode("country"),
                places: try row.decode("places"), startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"), deadline: try row.decode("deadline"),
                releaseOn: try row.decode("release_on"),
                partnerPays: try row.decode("pays", as: String.self).split(separator: ",").compactMap { CostKind(rawValue: String($0)) },
                releasedAt: try row.decode("released_at"), shares: [],
                sessionCodes: try row.decode("sessions", as: String.self).split(separator: ",").map(String.init))
        }
        guard !offers.isEmpty else { return [] }
        var shares: [UUID: [OfferShare]] = [:]
        for row in try await query(
            """
            SELECT x.offer_id, d.code, d.name_fr, d.name_en, x.places,
                   (SELECT count(*) FROM enrolment e JOIN training_session s ON s.id = e.session_id JOIN trainee t ON t.id = e.trainee_id
                    WHERE s.offer_id = x.offer_id AND t.department_id = x.department_id AND e.status NOT IN ('rejected', 'withdrawn')) AS taken
            FROM offer_share x JOIN department d ON d.id = x.department_id
            WHERE x.offer_id = ANY(\(offers.map(\.id))) ORDER BY d.code
            """)
        {
            shares[try row.decode("offer_id"), default: []].append(
                OfferShare(
                    departmentCode: try row.decode("code"), departmentName: try row.decode("name_fr"), departmentNameEN: try row.decode("name_en"), places: try row.decode("places"),
                    taken: try row.decode("taken")))
        }
        for i in offers.indices { offers[i].shares = shares[offers[i].id] ?? [] }
        return offers
    }

    func setShare(offerID: UUID, departmentID: UUID, places: Int) async throws {
        if places == 0 {
            try await query("DELETE FROM offer_share WHERE offer_id = \(offerID) AND department_id = \(departmentID)")
        } else {
            try await query(
                """
                INSERT INTO offer_share (offer_id, department_id, places) VALUES (\(offerID), \(departmentID), \(places))
                ON CONFLICT (offer_id, department_id) DO UPDATE SET places = EXCLUDED.places
                """)
        }
    }

    func link(sessionID: UUID, toOffer offerID: UUID) async throws {
        try await query("UPDATE training_session SET offer_id = \(offerID) WHERE id = \(sessionID)")
    }

    func markReleased(offerID: UUID, at: Date) async throws {
        try await query("UPDATE offer SET released_at = \(at) WHERE id = \(offerID) AND released_at IS NULL")
    }

    func lockOfferReleases() async throws {
        try await query("SELECT pg_advisory_xact_lock(hashtext('kalan.offer.release'))")
    }
}
