import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork: StaffSignInStore {
    func countCodeRequest(identifier: String, address: String, at: Date, window: Int, perIdentifier: Int, perAddress: Int) async throws -> Int {
        try await query(
            """
            SELECT staff_code_request_count(\(String(identifier.prefix(200))), \(String(address.prefix(100))), \(at), \(window)::integer,
                                            \(perIdentifier)::integer, \(perAddress)::integer) AS wait
            """
        ).firstRow().decode("wait")
    }

    func traineeForSignIn(identifier: String) async throws -> Trainee? {
        if TextPattern.isStaffNumber(identifier), let trainee = try await trainee(staffNumber: identifier) {
            return trainee.active ? trainee : nil
        }
        guard identifier.contains("@") else { return nil }
        // An e-mail shared by two people names neither.
        let found = try await query("SELECT \(unescaped: Self.traineeColumns) FROM trainee t WHERE lower(t.email) = \(identifier) AND t.active LIMIT 2")
            .map(Self.trainee)
        return found.count == 1 ? found[0] : nil
    }

    func insertSignInCode(traineeID: UUID, hash: [UInt8], code: String, language: Language, at: Date, expiresAt: Date) async throws -> Int {
        try await query("UPDATE staff_sign_in_code SET used_at = \(at) WHERE trainee_id = \(traineeID) AND used_at IS NULL")
        try await query(
            "INSERT INTO staff_sign_in_code (trainee_id, code_hash, created_at, expires_at) VALUES (\(traineeID), \(Data(hash)), \(at), \(expiresAt))")
        // A notice of no session: its facts carry the person and the code, and the day in place of the dates.
        return try await query(
            """
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, trainee_id, facts, next_attempt_at)
            SELECT 'sign_in_code', 'trainee', c.channel, c.address, t.given_name || ' ' || t.family_name, \(language.rawValue), t.id,
                   jsonb_build_object('staff_number', t.staff_number, 'given_name', t.given_name, 'family_name', t.family_name, 'session', '',
                       'course_fr', '', 'course_en', '', 'starts_on', \(Day.of(at)), 'ends_on', \(Day.of(at)), 'mode', 'online', 'partner', '',
                       'sequence', 0, 'code', \(code)),
                   \(at)
            FROM trainee t CROSS JOIN LATERAL (VALUES ('email', t.email), ('sms', t.phone)) AS c (channel, address)
            WHERE t.id = \(traineeID) AND c.address IS NOT NULL
            """
        ).affectedRows
    }

    func useSignInCode(traineeID: UUID, hash: [UInt8], now: Date, maxFailures: Int) async throws -> Bool {
        // The live code, locked: two tries at once are counted one after the other.
        guard
            let row = try await query(
                """
                SELECT id, code_hash = \(Data(hash)) AS matches FROM staff_sign_in_code
                WHERE trainee_id = \(traineeID) AND used_at IS NULL AND expires_at > \(now) AND failures < \(maxFailures)
                ORDER BY id DESC LIMIT 1 FOR UPDATE
                """
            ).first
        else { return false }
        let id: Int64 = try row.decode("id")
        if try row.decode("matches", as: Bool.self) {
            try await query("UPDATE staff_sign_in_code SET used_at = \(now) WHERE id = \(id)")
            return true
        }
        try await query("UPDATE staff_sign_in_code SET failures = failures + 1 WHERE id = \(id)")
        return false
    }

    func insertStaffSession(hash: [UInt8], traineeID: UUID, csrfToken: String, expiresAt: Date, now: Date) async throws {
        try await query("DELETE FROM staff_session WHERE trainee_id = \(traineeID) AND expires_at <= \(now)")
        try await query(
            "INSERT INTO staff_session (token_hash, trainee_id, csrf_token, expires_at) VALUES (\(Data(hash)), \(traineeID), \(csrfToken), \(expiresAt))")
    }

    func staffSession(hash: [UInt8], now: Date) async throws -> (trainee: Trainee, csrfToken: String)? {
        guard
            let row = try await query(
                """
                SELECT \(unescaped: Self.traineeColumns), w.csrf_token FROM staff_session w JOIN trainee t ON t.id = w.trainee_id
                WHERE w.token_hash = \(Data(hash)) AND w.expires_at > \(now) AND t.active
                """
            ).first
        else { return nil }
        return (try Self.trainee(row), try row.decode("csrf_token"))
    }

    func deleteStaffSession(hash: [UInt8]) async throws -> Trainee? {
        guard
            let row = try await query(
                """
                WITH gone AS (DELETE FROM staff_session WHERE token_hash = \(Data(hash)) RETURNING trainee_id)
                SELECT \(unescaped: Self.traineeColumns) FROM trainee t JOIN gone g ON g.trainee_id = t.id
                """
            ).first
        else { return nil }
        return try Self.trainee(row)
    }
}
