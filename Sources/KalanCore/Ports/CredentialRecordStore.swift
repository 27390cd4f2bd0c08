import Foundation

/// What checking a credential reads of Kalan's own records: the keys that ever signed (for the
/// issuer profile), the bits of the revocation status list, when a reissue superseded a copy,
/// and the courses that credentials name as achievements.
public protocol CredentialRecordStore: Sendable {
    func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)]
    /// The bits to set in the status list (revoked and superseded) and when the list last changed.
    func revokedStatusIndexes() async throws -> (indexes: [Int], changedAt: Date?)
    /// When the copy holding this bit was superseded by a reissue (nil when it was not).
    func supersededAt(statusIndex: Int) async throws -> Date?
    func course(code: String) async throws -> Course?
}
