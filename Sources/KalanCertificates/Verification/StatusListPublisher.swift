import Foundation
import KalanCore

/// A status list credential Kalan serves, built from the database: the revoked certificates' and
/// superseded credentials' bits set. It is dated by the start of the current five minutes (so the
/// same list signs the same, and its ETag holds, within them) and valid for an hour after that:
/// `validUntil` is what the served Cache-Control lets a verifier keep it, and a verifier refuses a
/// list past it (`CredentialChecker`). Never dated 1970, even when nothing is revoked.
public struct StatusListPublisher: Sendable {
    public let issuer: OpenBadgeIssuer
    public let records: any CredentialRecordStore
    public let clock: WallClock

    /// How long a served list may be kept, in seconds.
    public static let validity: TimeInterval = 3600
    /// The lists are signed again at most this often, in seconds.
    public static let slot: TimeInterval = 300

    public init(issuer: OpenBadgeIssuer, records: any CredentialRecordStore, clock: WallClock = .system) {
        self.issuer = issuer
        self.records = records
        self.clock = clock
    }

    public struct Published: Sendable {
        public var credential: JSONValue
        public var etag: String
        /// Seconds from now until its `validUntil`: the Cache-Control max-age.
        public var maxAge: Int
    }

    /// Status list `list` signed now, or nil when no such list was begun.
    public func published(list: Int = 1) async throws -> Published? {
        guard list >= 1 else { return nil }
        if list > 1, list > (try await records.statusListCount()) { return nil }
        let (indexes, _) = try await records.revokedStatusIndexes(list: list)
        let encoded = try BitstringStatusList.encode(setting: indexes)
        let now = clock.now()
        let validFrom = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / Self.slot).rounded(.down) * Self.slot)
        let validUntil = validFrom.addingTimeInterval(Self.validity)
        let credential = try issuer.statusListCredential(list: list, encodedList: encoded, validFrom: validFrom, validUntil: validUntil)
        let bytes = try credential.serializedBytes()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let maxAge = max(0, Int(validUntil.timeIntervalSince(now).rounded(.down)))
        return Published(credential: credential, etag: "\"\(String(hash, radix: 16))\"", maxAge: maxAge)
    }

    /// The first list and its ETag.
    public func current() async throws -> (credential: JSONValue, etag: String) {
        let first = try await published(list: 1)!
        return (first.credential, first.etag)
    }
}
