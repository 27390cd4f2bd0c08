import Foundation

/// Signs the copy of a certificate a wallet receives (KalanCertificates' `OpenBadgeIssuer`).
public protocol WalletCopySigner: Sendable {
    /// `credential` (the certificate's stored signed credential) again, with its own `id`, its
    /// subject bound to `holder` (a DID), issued and signed by the ministry's DID now.
    func walletCopy(of credential: String, holder: String, copyID: String, at: Date) throws -> String
}

/// Issue 31: a wallet offer for a valid certificate, and the copies wallets receive through it.
///
/// HR (and admins) make offers for any certificate; the staff member for their own. An offer is
/// single use across its ways in, expires (30 minutes unless asked), and a new one ends the
/// certificate's live one. The ways in (the LCW request link, VC-API, OpenID4VCI) are adapters
/// that decode their messages, check the wallet's proofs (KalanCertificates) and call
/// `issueCopy`; each refusal leaves the offer as it was, except a wrong transaction code, which counts.
public struct WalletOffers: Sendable {
    /// Who makes an offer: an account (HR, admins) or the certificate's holder, signed in (issue 26).
    public enum Maker: Sendable {
        case account(Actor)
        case holder(traineeID: UUID, auditName: String)
    }

    /// Why a wallet's request is refused (each protocol says it in its own form).
    public enum Refusal: Error, Sendable, Equatable {
        case unknownOffer
        /// Used, ended by a newer offer, burnt by wrong codes, or expired.
        case finished(WalletOfferStatus)
        /// The certificate was revoked or expired since the offer was made.
        case certificateNotValid
    }

    /// The URLs of an offer, one per way in.
    public struct Links: Sendable, Codable, Hashable {
        /// `https://lcw.app/request?issuer=…&vc_request_url=…&challenge=…&auth_type=bearer`.
        public var lcwRequestUrl: String
        /// The VCALM interaction URL (`…?iuv=1`).
        public var interactionUrl: String
        /// `openid-credential-offer://?credential_offer_uri=…`.
        public var credentialOfferUrl: String
        /// Where LCW posts its presentation.
        public var lcwExchangeUrl: String
        /// The VC-API exchange.
        public var exchangeUrl: String
        /// The credential offer's JSON.
        public var credentialOfferUri: String
    }

    let store: any WalletOfferStore
    let signer: any WalletCopySigner
    public let publicURL: String
    let clock: WallClock

    public static let defaultValidity: TimeInterval = 30 * 60
    public static let validityRange: ClosedRange<TimeInterval> = 60...(24 * 3600)
    /// Offers one account or person may make in an hour.
    public static let offersPerHour = 30
    public static let maxCodeFailures = 5
    /// How long an OpenID4VCI access token and a nonce live.
    public static let tokenLifetime: TimeInterval = 300
    public static let nonceLifetime: TimeInterval = 300

    public init(store: any WalletOfferStore, signer: any WalletCopySigner, publicURL: String, clock: WallClock = .system) {
        self.store = store
        self.signer = signer
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.clock = clock
    }

    public func now() -> Date { clock.now() }

    /// A new offer for the certificate `serial`, valid `validFor` seconds; the transaction code goes
    /// to the holder through the notices (SMS, else e-mail).
    public func create(serial: String, validFor: TimeInterval = WalletOffers.defaultValidity, by maker: Maker) async throws -> WalletOffer {
        let auditActor: Actor
        switch maker {
        case .account(let actor):
            guard actor.managesRegister else { throw KalanError.forbidden }
            auditActor = actor
        case .holder(_, let name): auditActor = Actor(name: name, role: .viewer, source: "staff")
        }
        guard Self.validityRange.contains(validFor) else {
            throw KalanError.invalid(field: "validFor", problem: .range(min: Int(Self.validityRange.lowerBound / 60), max: Int(Self.validityRange.upperBound / 60)))
        }
        guard let certificate = try await store.walletCertificate(serial: serial) else { throw KalanError.notFound(.certificate, key: serial) }
        if case .holder(let traineeID, _) = maker, certificate.traineeID != traineeID { throw KalanError.notFound(.certificate, key: serial) }
        guard certificate.isValid(on: clock.today()) else { throw KalanError.rule(.certificateNotOfferable) }
        let now = clock.now()
        let made = try await store.offerCount(createdBy: auditActor.name, since: now.addingTimeInterval(-3600))
        guard made < Self.offersPerHour else { throw KalanError.rateLimited(retryAfter: 600) }
        let offer = WalletOffer(
            id: Self.randomToken(bytes: 16), certificateID: certificate.id, serial: certificate.serial, createdBy: auditActor.name, createdAt: now,
            expiresAt: now.addingTimeInterval(validFor), challenge: Self.randomToken(bytes: 16), preAuthorizedCode: Self.randomToken(bytes: 16),
            txCode: Self.randomDigits(6))
        let audit = AuditEntry(
            actor: auditActor, action: "certificate.wallet_offer", entity: .certificate, entityID: certificate.serial,
            after: ["offer": offer.id, "expires_at": RFC3339Text.string(offer.expiresAt)])
        try await store.insert(offer, audit: audit, notify: true)
        return offer
    }

    /// The offer behind a URL, as of now (status `expired` once past its time); nil when unknown.
    public func offer(id: String) async throws -> WalletOffer? {
        guard Self.isToken(id, length: 22) else { return nil }
        guard var offer = try await store.offer(id: id) else { return nil }
        offer.status = offer.status(at: clock.now())
        return offer
    }

    /// The offer if a wallet may still take it by `statuses` (live for the LCW link and VC-API).
    public func open(id: String, statuses: [WalletOfferStatus] = [.live]) async throws -> WalletOffer {
        guard let offer = try await offer(id: id) else { throw Refusal.unknownOffer }
        guard statuses.contains(offer.status) else { throw Refusal.finished(offer.status) }
        return offer
    }

    /// Issues the copy bound to `holder` (a did:key the adapter checked the wallet holds) and
    /// finishes the offer; the signed copy as JSON text.
    public func issueCopy(offer: WalletOffer, holder: String, wayIn: WalletWayIn) async throws -> String {
        guard let certificate = try await store.walletCertificate(serial: offer.serial) else { throw Refusal.unknownOffer }
        guard certificate.isValid(on: clock.today()) else { throw Refusal.certificateNotValid }
        let now = clock.now()
        let copyID = UUID()
        let credential = try signer.walletCopy(of: certificate.credential, holder: holder, copyID: "urn:uuid:\(copyID.uuidString.lowercased())", at: now)
        let copy = WalletCopy(
            id: copyID, certificateID: certificate.id, offerID: offer.id, holderDID: holder, wayIn: wayIn, credential: credential, issuedAt: now)
        let audit = AuditEntry(
            actor: Actor(name: "wallet:\(holder.prefix(60))", role: .viewer, source: wayIn.rawValue), action: "certificate.wallet_copy",
            entity: .certificate, entityID: certificate.serial, after: ["offer": offer.id, "holder": holder, "way_in": wayIn.rawValue])
        let from: [WalletOfferStatus] = wayIn == .oid4vci || wayIn == .oid4vciDraft13 ? [.redeeming] : [.live]
        guard try await store.complete(offerID: offer.id, from: from, copy: copy, audit: audit, now: now) else {
            throw Refusal.finished(try await self.offer(id: offer.id)?.status ?? .used)
        }
        return credential
    }

    /// OpenID4VCI token endpoint: the access token for a live offer's pre-authorized code and
    /// transaction code.
    public func token(preAuthorizedCode: String, txCode: String?) async throws -> (outcome: WalletTokenOutcome, accessToken: String) {
        let token = Self.randomToken(bytes: 32)
        guard Self.isToken(preAuthorizedCode, length: 22) else { return (.invalidCode, token) }
        let now = clock.now()
        let outcome = try await store.exchange(
            preAuthorizedCode: preAuthorizedCode, txCode: txCode, accessToken: token, tokenExpiresAt: now.addingTimeInterval(Self.tokenLifetime), now: now)
        return (outcome, token)
    }

    /// The offer a live access token was given for (nil: unknown or past its time).
    public func offer(accessToken: String) async throws -> WalletOffer? {
        guard Self.isToken(accessToken, length: 43) else { return nil }
        return try await store.offer(accessToken: accessToken, now: clock.now())
    }

    /// A fresh nonce for a wallet's proof.
    public func nonce() async throws -> String {
        let nonce = Self.randomToken(bytes: 16)
        try await store.insertNonce(nonce, expiresAt: clock.now().addingTimeInterval(Self.nonceLifetime))
        return nonce
    }

    /// Uses a nonce once; false when unknown, used or past its time.
    public func useNonce(_ nonce: String) async throws -> Bool {
        guard Self.isToken(nonce, length: 22) else { return false }
        return try await store.useNonce(nonce, now: clock.now())
    }

    /// A certificate's offers and the copies wallets hold (HR, admins, or the holder).
    public func history(serial: String, by maker: Maker) async throws -> (offers: [WalletOffer], copies: [WalletCopy]) {
        if case .account(let actor) = maker, !actor.managesRegister { throw KalanError.forbidden }
        guard let certificate = try await store.walletCertificate(serial: serial) else { throw KalanError.notFound(.certificate, key: serial) }
        if case .holder(let traineeID, _) = maker, certificate.traineeID != traineeID { throw KalanError.notFound(.certificate, key: serial) }
        var (offers, copies) = try await store.history(certificateID: certificate.id)
        let now = clock.now()
        for index in offers.indices { offers[index].status = offers[index].status(at: now) }
        return (offers, copies)
    }

    /// The URLs of `offer`.
    public func links(of offer: WalletOffer) -> Links {
        let exchange = "\(publicURL)/wallet/exchanges/\(offer.id)"
        let lcwExchange = "\(publicURL)/wallet/lcw/\(offer.id)"
        let offerURI = "\(publicURL)/wallet/credential-offers/\(offer.id)"
        let lcw =
            "https://lcw.app/request?issuer=\(Self.queryEncoded(publicURL))&vc_request_url=\(Self.queryEncoded(lcwExchange))"
            + "&challenge=\(offer.challenge)&auth_type=bearer"
        return Links(
            lcwRequestUrl: lcw, interactionUrl: "\(publicURL)/wallet/interactions/\(offer.id)?iuv=1",
            credentialOfferUrl: "openid-credential-offer://?credential_offer_uri=\(Self.queryEncoded(offerURI))", lcwExchangeUrl: lcwExchange,
            exchangeUrl: exchange, credentialOfferUri: offerURI)
    }

    static func queryEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// `bytes` random bytes in base64url without padding (16 bytes: 22 characters, 128 bits).
    public static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func randomDigits(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    /// A token of ours: base64url characters, of its length (checked before any lookup).
    public static func isToken(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }
    }
}

/// RFC 3339 UTC text of an instant, for audit lines.
enum RFC3339Text {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
