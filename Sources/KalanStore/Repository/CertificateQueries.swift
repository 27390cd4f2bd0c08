import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    static let certificateColumns =
        "id, enrolment_id, serial, issued_on, expires_on, credential::text AS credential, signing_key_id, revoked_at, revoked_by, revoked_reason, status_index, status_list"

    func certificate(enrolmentID: UUID) async throws -> Certificate? {
        try await query("SELECT \(unescaped: Self.certificateColumns) FROM certificate WHERE enrolment_id = \(enrolmentID)").first.map(Self.certificate)
    }

    func certificate(serial: String) async throws -> Certificate? {
        try await query("SELECT \(unescaped: Self.certificateColumns) FROM certificate WHERE serial = \(serial)").first.map(Self.certificate)
    }

    func certificates(sessionID: UUID) async throws -> [Certificate] {
        try await query(
            """
            SELECT \(unescaped: Self.certificateColumns) FROM certificate
            WHERE enrolment_id IN (SELECT id FROM enrolment WHERE session_id = \(sessionID)) ORDER BY serial
            """
        ).map(Self.certificate)
    }

    func nextSerialNumber(prefix: String, year: Int) async throws -> Int {
        // The counter row is locked until commit: two processes never get the same number.
        try await query(
            """
            INSERT INTO certificate_serial_counter (prefix, year, last_number) VALUES (\(prefix), \(year), 1)
            ON CONFLICT (prefix, year) DO UPDATE SET last_number = certificate_serial_counter.last_number + 1
            RETURNING last_number
            """
        ).firstRow().decode("last_number")
    }

    func insert(_ c: Certificate) async throws {
        try await query(
            """
            INSERT INTO certificate (id, enrolment_id, serial, issued_on, expires_on, credential, signing_key_id, status_index, status_list)
            VALUES (\(c.id), \(c.enrolmentID), \(c.serial), \(c.issuedOn), \(c.expiresOn), \(PostgresJSON(text: c.credential)), \(c.signingKeyID),
                    \(c.statusIndex), \(c.statusList))
            """)
    }

    func revoke(certificateID: UUID, by actor: String, reason: String) async throws {
        try await query(
            "UPDATE certificate SET revoked_at = now(), revoked_by = \(actor), revoked_reason = \(reason) WHERE id = \(certificateID) AND revoked_at IS NULL")
    }

    func publish(signingKeyID: String, publicKeyMultibase: String) async throws {
        try await query(
            "INSERT INTO signing_key (id, public_key_multibase) VALUES (\(signingKeyID), \(publicKeyMultibase)) ON CONFLICT (id) DO NOTHING")
    }

    func statusIndexInUse(list: Int, index: Int) async throws -> Bool {
        try await query(
            """
            SELECT EXISTS (SELECT 1 FROM certificate WHERE status_list = \(list) AND status_index = \(index))
                OR EXISTS (SELECT 1 FROM certificate_superseded WHERE status_list = \(list) AND status_index = \(index)) AS used
            """
        ).firstRow().decode("used")
    }

    func lastStatusList() async throws -> (list: Int, used: Int) {
        let row = try await query(
            """
            WITH used AS (SELECT status_list FROM certificate UNION ALL SELECT status_list FROM certificate_superseded),
                 last AS (SELECT coalesce(max(status_list), 1) AS list FROM used)
            SELECT last.list, (SELECT count(*) FROM used WHERE status_list = last.list)::integer AS used FROM last
            """
        ).firstRow()
        return (try row.decode("list"), try row.decode("used"))
    }

    func freeStatusIndex(list: Int, size: Int) async throws -> Int? {
        try await query(
            """
            SELECT i FROM generate_series(0, \(size - 1)) AS i
            WHERE NOT EXISTS (SELECT 1 FROM certificate WHERE status_list = \(list) AND status_index = i)
              AND NOT EXISTS (SELECT 1 FROM certificate_superseded WHERE status_list = \(list) AND status_index = i)
            ORDER BY random() LIMIT 1
            """
        ).first?.decode("i")
    }

    func revokedStatusIndexes(list: Int) async throws -> (indexes: [Int], changedAt: Date?) {
        let indexes: [Int] = try await query(
            """
            SELECT status_index FROM certificate WHERE revoked_at IS NOT NULL AND status_list = \(list)
            UNION ALL SELECT status_index FROM certificate_superseded WHERE status_list = \(list) ORDER BY 1
            """
        ).map { try $0.decode("status_index") }
        let changed: Date? = try await query(
            """
            SELECT greatest((SELECT max(revoked_at) FROM certificate WHERE status_list = \(list)),
                            (SELECT max(superseded_at) FROM certificate_superseded WHERE status_list = \(list))) AS changed
            """
        ).firstRow().decode("changed")
        return (indexes, changed)
    }

    func supersede(_ old: Certificate, with new: Certificate, by actor: String) async throws {
        try await query(
            """
            INSERT INTO certificate_superseded (status_list, status_index, certificate_id, credential, signing_key_id, superseded_by)
            VALUES (\(old.statusList), \(old.statusIndex), \(old.id), \(PostgresJSON(text: old.credential)), \(old.signingKeyID), \(actor))
            """)
        try await query(
            """
            UPDATE certificate SET credential = \(PostgresJSON(text: new.credential)), status_index = \(new.statusIndex),
                status_list = \(new.statusList), signing_key_id = \(new.signingKeyID)
            WHERE id = \(old.id) AND status_list = \(old.statusList) AND status_index = \(old.statusIndex)
            """)
    }

    func supersededAt(list: Int, index: Int) async throws -> Date? {
        try await query("SELECT superseded_at FROM certificate_superseded WHERE status_list = \(list) AND status_index = \(index)").first?.decode(
            "superseded_at")
    }

    func registerStatus(serial: String?, credential: String) async throws -> RegisterStatus {
        // jsonb equality compares content (key order and number spelling aside): the credential's hash.
        let document = PostgresJSON(text: credential)
        if let serial, let certificate = try await self.certificate(serial: serial) {
            let rows = try await query(
                """
                SELECT 'current' AS kind, revoked_at AS at FROM certificate WHERE id = \(certificate.id) AND credential = \(document)::jsonb
                UNION ALL SELECT 'superseded', superseded_at FROM certificate_superseded
                WHERE certificate_id = \(certificate.id) AND credential = \(document)::jsonb
                """)
            guard let row = rows.first else { return .unknownCopy }
            return try Self.registerStatus(row)
        }
        // No serial to go by: the content alone, among every credential kept.
        let rows = try await query(
            """
            SELECT 'current' AS kind, revoked_at AS at FROM certificate WHERE credential = \(document)::jsonb
            UNION ALL SELECT 'superseded', superseded_at FROM certificate_superseded WHERE credential = \(document)::jsonb
            """)
        return try rows.first.map(Self.registerStatus) ?? .unknown
    }

    static func registerStatus(_ row: PostgresRow) throws -> RegisterStatus {
        let at: Date? = try row.decode("at")
        if try row.decode("kind", as: String.self) == "superseded", let at { return .superseded(at: at) }
        return .current(revokedAt: at)
    }

    func legacySerials() async throws -> [String] {
        try await query("SELECT serial FROM certificate WHERE credential -> 'credentialStatus' IS NULL ORDER BY serial").map { try $0.decode("serial") }
    }

    func retire(signingKeyID: String, reason: String) async throws -> Bool {
        try await !query(
            """
            UPDATE signing_key SET retired_at = now(), retired_reason = \(reason) WHERE id = \(signingKeyID) AND retired_at IS NULL RETURNING id
            """
        ).isEmpty
    }

    func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)] {
        try await query("SELECT id, public_key_multibase, retired_at IS NOT NULL AS retired FROM signing_key ORDER BY created_at").map {
            (try $0.decode("id"), try $0.decode("public_key_multibase"), try $0.decode("retired"))
        }
    }

    func enrolment(id: UUID) async throws -> Enrolment? {
        try await query("SELECT \(unescaped: Self.enrolmentColumns) FROM enrolment e WHERE e.id = \(id)").first.map { try Self.enrolment($0) }
    }

    func session(id: UUID) async throws -> TrainingSession? {
        try await query("\(unescaped: Self.sessionSelect) WHERE s.id = \(id)").first.map(Self.session)
    }

    static func certificate(_ row: PostgresRow) throws -> Certificate {
        Certificate(
            id: try row.decode("id"), enrolmentID: try row.decode("enrolment_id"), serial: try row.decode("serial"), issuedOn: try row.decode("issued_on"),
            expiresOn: try row.decode("expires_on"), credential: try row.decode("credential"), signingKeyID: try row.decode("signing_key_id"),
            revokedAt: try row.decode("revoked_at"), revokedBy: try row.decode("revoked_by"), revokedReason: try row.decode("revoked_reason"),
            statusIndex: try row.decode("status_index"), statusList: try row.decode("status_list"))
    }
}
