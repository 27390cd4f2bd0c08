import Foundation

/// What checking a credential reads of Kalan's own records: the keys that ever signed (for the
/// issuer profile), the bits of the revocation status list, when a reissue superseded a copy,
/// and the courses that credentials name as achievements.
public protocol CredentialRecordStore: Sendable {
    func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)]
    /// The bits to set in status list `list` (revoked and superseded) and when the list last changed.
    func revokedStatusIndexes(list: Int) async throws -> (indexes: [Int], changedAt: Date?)
    /// The status lists begun so far (1…n).
    func statusListCount() async throws -> Int
    /// When the copy holding this bit was superseded by a reissue (nil when it was not).
    func supersededAt(list: Int, index: Int) async throws -> Date?
    /// The register's word on a credential without a status entry (by serial and content).
    func registerStatus(serial: String?, credential: String) async throws -> RegisterStatus
    func course(code: String) async throws -> Course?
}
