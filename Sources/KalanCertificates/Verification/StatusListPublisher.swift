import Foundation
import KalanCore

/// The status list credential Kalan serves, built from the database: the revoked certificates' and
/// superseded credentials' bits set, dated by the last change (so the same list signs the same).
public struct StatusListPublisher: Sendable {
    public let issuer: OpenBadgeIssuer
    public let records: any CredentialRecordStore

    public init(issuer: OpenBadgeIssuer, records: any CredentialRecordStore) {
        self.issuer = issuer
        self.records = records
    }

    /// The signed status list credential and its ETag (a hash of its bytes).
    public func current() async throws -> (credential: JSONValue, etag: String) {
        let (indexes, changedAt) = try await records.revokedStatusIndexes()
        let encoded = try BitstringStatusList.encode(setting: indexes)
        // Undated (nothing revoked yet): the epoch of the status list, a fixed instant.
        let validFrom = changedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) } ?? Date(timeIntervalSince1970: 0)
        let credential = try issuer.statusListCredential(encodedList: encoded, validFrom: validFrom)
        let bytes = try credential.serializedBytes()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return (credential, "\"\(String(hash, radix: 16))\"")
    }
}
