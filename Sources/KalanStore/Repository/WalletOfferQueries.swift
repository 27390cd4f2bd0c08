import Foundation
import KalanCore
import Postgres

/// Wallet offers, their nonces and the copies wallets received (sql/migrations/0021_wallet_offers.sql).
public struct PostgresWalletOffers: WalletOfferStore {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        w.id, w.certificate_id, c.serial, w.created_by, w.created_at, w.expires_at, w.challenge, w.pre_authorized_code, w.tx_code, w.tx_failures,
        w.status, w.finished_at, w.way_in, (SELECT holder_did FROM wallet_copy k WHERE k.offer_id = w.id) AS holder_did
        """

    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingDriverErrors { try await pool.withRetryingTransaction(body) }
    }

    public func walletCertificate(serial: String) async throws -> WalletCertificate? {
        try await transaction { connection in
            try await connection.query(
                """
                SELECT c.id, c.serial, c.credential, c.revoked_at IS NOT NULL AS revoked, c.expires_on, t.id AS trainee_id,
                       t.given_name || ' ' || t.family_name AS holder
                FROM certificate c JOIN enrolment e ON e.id = c.enrolment_id JOIN trainee t ON t.id = e.trainee_id
                WHERE c.serial = \(serial)
                """
            ).first.map { row in
                WalletCertificate(
                    id: try row.decode("id"), serial: try row.decode("serial"), credential: try row.decode("credential"), revoked: try row.decode("revoked"),
                    expiresOn: try row.decode("expires_on"), traineeID: try row.decode("trainee_id"), holderName: try row.decode("holder"))
            }
        }
    }

    public func offerCount(createdBy: String, since: Date) async throws -> Int {
        try await transaction { connection in
            try await connection.query("SELECT count(*)::integer AS n FROM wallet_offer WHERE created_by = \(createdBy) AND created_at > \(since)")
                .firstRow().decode("n")
        }
    }

    public func insert(_ offer: WalletOffer, audit: AuditEntry, notify: Bool) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE wallet_offer SET status = CASE WHEN expires_at <= \(offer.createdAt) THEN 'expired' ELSE 'ended' END, finished_at = \(offer.createdAt)
                WHERE certificate_id = \(offer.certificateID) AND status IN ('live', 'redeeming')
                """)
            try await connection.query(
                """
                INSERT INTO wallet_offer (id, certificate_id, created_by, created_at, expires_at, challenge, pre_authorized_code, tx_code)
                VALUES (\(offer.id), \(offer.certificateID), \(offer.createdBy), \(offer.createdAt), \(offer.expiresAt), \(offer.challenge),
                        \(offer.preAuthorizedCode), \(offer.txCode))
                """)
            if notify { try await connection.query("SELECT notice_wallet_code(\(offer.id))") }
            try await PostgresUnitOfWork(connection: connection).audit(audit)
        }
    }

    public func offer(id: String) async throws -> WalletOffer? {
        try await transaction { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM wallet_offer w JOIN certificate c ON c.id = w.certificate_id WHERE w.id = \(id)")
                .first.map(Self.offer)
        }
    }

    public func exchange(preAuthorizedCode: String, txCode: String?, accessToken: String, tokenExpiresAt: Date, now: Date) async throws
        -> WalletTokenOutcome
    {
        try await transaction { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT id, tx_code, tx_failures FROM wallet_offer
                    WHERE pre_authorized_code = \(preAuthorizedCode) AND status = 'live' AND expires_at > \(now) FOR UPDATE
                    """
                ).first
            else { return .invalidCode }
            let id: String = try row.decode("id")
            let expected: String = try row.decode("tx_code")
            guard let txCode, Self.constantTimeEqual(txCode, expected) else {
                let failures: Int = try row.decode("tx_failures") + 1
                let burnt = failures >= WalletOffers.maxCodeFailures
                try await connection.query(
                    """
                    UPDATE wallet_offer SET tx_failures = \(failures), status = \(burnt ? "burnt" : "live"),
                        finished_at = \(burnt ? now : nil) WHERE id = \(id)
                    """)
                return .wrongTransactionCode(remaining: max(0, WalletOffers.maxCodeFailures - failures))
            }
            try await connection.query(
                """
                UPDATE wallet_offer SET status = 'redeeming', access_token = \(accessToken), token_expires_at = \(tokenExpiresAt) WHERE id = \(id)
                """)
            return .granted(offerID: id)
        }
    }

    public func offer(accessToken: String, now: Date) async throws -> WalletOffer? {
        try await transaction { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM wallet_offer w JOIN certificate c ON c.id = w.certificate_id
                WHERE w.access_token = \(accessToken) AND w.token_expires_at > \(now) AND w.status = 'redeeming' AND w.expires_at > \(now)
                """
            ).first.map(Self.offer)
        }
    }

    public func insertNonce(_ nonce: String, expiresAt: Date) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM wallet_nonce WHERE expires_at < \(expiresAt) - interval '1 day'")
            try await connection.query("INSERT INTO wallet_nonce (nonce, expires_at) VALUES (\(nonce), \(expiresAt))")
        }
    }

    public func useNonce(_ nonce: String, now: Date) async throws -> Bool {
        try await transaction { connection in
            try await !connection.query(
                "UPDATE wallet_nonce SET used_at = \(now) WHERE nonce = \(nonce) AND used_at IS NULL AND expires_at > \(now) RETURNING nonce"
            ).isEmpty
        }
    }

    public func complete(offerID: String, from statuses: [WalletOfferStatus], copy: WalletCopy, audit: AuditEntry, now: Date) async throws -> Bool {
        try await transaction { connection in
            let done = try await !connection.query(
                """
                UPDATE wallet_offer SET status = 'used', finished_at = \(now), way_in = \(copy.wayIn.rawValue)
                WHERE id = \(offerID) AND status = ANY(\(statuses.map(\.rawValue))) AND expires_at > \(now)
                  AND (status <> 'redeeming' OR token_expires_at > \(now))
                RETURNING id
                """
            ).isEmpty
            guard done else { return false }
            try await connection.query(
                """
                INSERT INTO wallet_copy (id, certificate_id, offer_id, holder_did, way_in, credential, issued_at)
                VALUES (\(copy.id), \(copy.certificateID), \(copy.offerID), \(copy.holderDID), \(copy.wayIn.rawValue), \(copy.credential), \(copy.issuedAt))
                """)
            try await PostgresUnitOfWork(connection: connection).audit(audit)
            return true
        }
    }

    public func history(certificateID: UUID) async throws -> (offers: [WalletOffer], copies: [WalletCopy]) {
        try await transaction { connection in
            let offers = try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM wallet_offer w JOIN certificate c ON c.id = w.certificate_id
                WHERE w.certificate_id = \(certificateID) ORDER BY w.created_at DESC LIMIT 50
                """
            ).map(Self.offer)
            let copies = try await connection.query(
                """
                SELECT id, certificate_id, offer_id, holder_did, way_in, credential, issued_at FROM wallet_copy
                WHERE certificate_id = \(certificateID) ORDER BY issued_at DESC
                """
            ).map { row in
                WalletCopy(
                    id: try row.decode("id"), certificateID: try row.decode("certificate_id"), offerID: try row.decode("offer_id"),
                    holderDID: try row.decode("holder_did"), wayIn: WalletWayIn(rawValue: try row.decode("way_in")) ?? .lcw,
                    credential: try row.decode("credential"), issuedAt: try row.decode("issued_at"))
            }
            return (offers, copies)
        }
    }

    static func offer(_ row: PostgresRow) throws -> WalletOffer {
        let status: String = try row.decode("status")
        let way: String? = try row.decode("way_in")
        return WalletOffer(
            id: try row.decode("id"), certificateID: try row.decode("certificate_id"), serial: try row.decode("serial"), createdBy: try row.decode("created_by"),
            createdAt: try row.decode("created_at"), expiresAt: try row.decode("expires_at"), challenge: try row.decode("challenge"),
            preAuthorizedCode: try row.decode("pre_authorized_code"), txCode: try row.decode("tx_code"), txFailures: try row.decode("tx_failures"),
            status: WalletOfferStatus(rawValue: status) ?? .expired, finishedAt: try row.decode("finished_at"), wayIn: way.flatMap(WalletWayIn.init(rawValue:)),
            holderDID: try row.decode("holder_did"))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
