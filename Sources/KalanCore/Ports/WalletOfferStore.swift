import Foundation

/// What became of a wallet offer (sql/migrations/0021_wallet_offers.sql).
public enum WalletOfferStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for a wallet; `redeeming`: an OpenID4VCI wallet holds an access token for it.
    case live, redeeming
    /// A copy went to a wallet.
    case used
    /// A newer offer for the same certificate ended it.
    case ended
    /// Five wrong transaction codes.
    case burnt
    /// Past its time.
    case expired
}

/// How a copy reached a wallet.
public enum WalletWayIn: String, Sendable, Codable, CaseIterable {
    case lcw, vcapi, oid4vci
    case oid4vciDraft13 = "oid4vci-draft13"
}

/// A certificate as an offer sees it: its signed credential and whether it may still go to a wallet.
public struct WalletCertificate: Sendable, Hashable {
    public var id: UUID
    public var serial: String
    public var credential: String
    public var revoked: Bool
    public var expiresOn: Day?
    public var traineeID: UUID
    public var holderName: String

    public init(id: UUID, serial: String, credential: String, revoked: Bool, expiresOn: Day?, traineeID: UUID, holderName: String) {
        (self.id, self.serial, self.credential, self.revoked, self.expiresOn, self.traineeID, self.holderName) = (
            id, serial, credential, revoked, expiresOn, traineeID, holderName
        )
    }

    /// Not revoked and not past its expiry day.
    public func isValid(on today: Day) -> Bool { !revoked && (expiresOn.map { $0 >= today } ?? true) }
}

/// One offer: its public id and its secrets (the challenge of the LCW link and the VC-API exchange,
/// the pre-authorized code and its transaction code), and what became of it.
public struct WalletOffer: Sendable, Hashable {
    public var id: String
    public var certificateID: UUID
    public var serial: String
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var challenge: String
    public var preAuthorizedCode: String
    public var txCode: String
    public var txFailures: Int
    public var status: WalletOfferStatus
    public var finishedAt: Date?
    public var wayIn: WalletWayIn?
    /// The wallet's DID, once a copy went out.
    public var holderDID: String?

    public init(
        id: String, certificateID: UUID, serial: String, createdBy: String, createdAt: Date, expiresAt: Date, challenge: String, preAuthorizedCode: String,
        txCode: String, txFailures: Int = 0, status: WalletOfferStatus = .live, finishedAt: Date? = nil, wayIn: WalletWayIn? = nil, holderDID: String? = nil
    ) {
        (self.id, self.certificateID, self.serial, self.createdBy, self.createdAt, self.expiresAt) = (id, certificateID, serial, createdBy, createdAt, expiresAt)
        (self.challenge, self.preAuthorizedCode, self.txCode, self.txFailures) = (challenge, preAuthorizedCode, txCode, txFailures)
        (self.status, self.finishedAt, self.wayIn, self.holderDID) = (status, finishedAt, wayIn, holderDID)
    }

    /// The status as of `now`: a live offer past its time reads as expired.
    public func status(at now: Date) -> WalletOfferStatus {
        (status == .live || status == .redeeming) && expiresAt <= now ? .expired : status
    }
}

/// A copy a wallet received: bound to the wallet's DID, as issued.
public struct WalletCopy: Sendable, Hashable {
    public var id: UUID
    public var certificateID: UUID
    public var offerID: String
    public var holderDID: String
    public var wayIn: WalletWayIn
    public var credential: String
    public var issuedAt: Date

    public init(id: UUID, certificateID: UUID, offerID: String, holderDID: String, wayIn: WalletWayIn, credential: String, issuedAt: Date) {
        (self.id, self.certificateID, self.offerID, self.holderDID, self.wayIn, self.credential, self.issuedAt) = (
            id, certificateID, offerID, holderDID, wayIn, credential, issuedAt
        )
    }
}

/// What exchanging a pre-authorized code gave.
public enum WalletTokenOutcome: Sendable, Equatable {
    case granted(offerID: String)
    /// No live offer has this code (unknown, used, ended, burnt or expired).
    case invalidCode
    /// The transaction code is wrong; the offer burns at the fifth.
    case wrongTransactionCode(remaining: Int)
}

/// The offers' storage; each call is one transaction.
public protocol WalletOfferStore: Sendable {
    func walletCertificate(serial: String) async throws -> WalletCertificate?
    /// Offers made by `createdBy` since `since` (the flood limit).
    func offerCount(createdBy: String, since: Date) async throws -> Int
    /// Ends the certificate's live offer, records `offer` and `audit`, and (`notify`) writes the
    /// transaction code's notice to the holder.
    func insert(_ offer: WalletOffer, audit: AuditEntry, notify: Bool) async throws
    func offer(id: String) async throws -> WalletOffer?
    /// Exchanges a live offer's pre-authorized code and transaction code for `accessToken`
    /// (valid until `tokenExpiresAt`): the offer becomes `redeeming`; a wrong code counts, the fifth burns it.
    func exchange(preAuthorizedCode: String, txCode: String?, accessToken: String, tokenExpiresAt: Date, now: Date) async throws -> WalletTokenOutcome
    /// The offer a live access token belongs to.
    func offer(accessToken: String, now: Date) async throws -> WalletOffer?
    /// Records a nonce valid until `expiresAt`.
    func insertNonce(_ nonce: String, expiresAt: Date) async throws
    /// Uses a nonce once: false when unknown, used or past its time.
    func useNonce(_ nonce: String, now: Date) async throws -> Bool
    /// Finishes the offer with `copy` when it is still in one of `statuses` and not past its time
    /// (and, for `redeeming`, its token not past its time); records the copy and `audit`. False: nothing kept.
    func complete(offerID: String, from statuses: [WalletOfferStatus], copy: WalletCopy, audit: AuditEntry, now: Date) async throws -> Bool
    /// The offers of a certificate, newest first, and the copies wallets received.
    func history(certificateID: UUID) async throws -> (offers: [WalletOffer], copies: [WalletCopy])
}
