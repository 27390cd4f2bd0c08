import Foundation

/// Kalan's own records for checking credentials, read from the repository: one statement each,
/// but the status list's bits and its date, read together in one transaction.
public struct CredentialRecords: CredentialRecordStore {
    public let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    public func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)] {
        try await repository.statement { try await $0.signingKeys() }
    }

    public func revokedStatusIndexes() async throws -> (indexes: [Int], changedAt: Date?) {
        try await repository.transaction { try await $0.revokedStatusIndexes() }
    }

    public func supersededAt(statusIndex: Int) async throws -> Date? {
        try await repository.statement { try await $0.supersededAt(statusIndex: statusIndex) }
    }

    public func course(code: String) async throws -> Course? {
        try await repository.statement { try await $0.course(code: code) }
    }
}
