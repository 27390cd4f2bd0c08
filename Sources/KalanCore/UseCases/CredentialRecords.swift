import Foundation

/// Kalan's own records for checking credentials, read from the repository: one statement each,
/// but the status list's bits and its date, read together in one transaction.
public struct CredentialRecords: CredentialRecordStore {
    public let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    public func signingKeys() async throws -> [(id: String, publicKeyMultibase: String, retired: Bool)] {
        try await repository.statement { try await $0.signingKeys() }
    }

    public func revokedStatusIndexes(list: Int) async throws -> (indexes: [Int], changedAt: Date?) {
        try await repository.transaction { try await $0.revokedStatusIndexes(list: list) }
    }

    public func statusListCount() async throws -> Int {
        try await repository.statement { try await $0.lastStatusList().list }
    }

    public func supersededAt(list: Int, index: Int) async throws -> Date? {
        try await repository.statement { try await $0.supersededAt(list: list, index: index) }
    }

    public func registerStatus(serial: String?, credential: String) async throws -> RegisterStatus {
        try await repository.transaction { try await $0.registerStatus(serial: serial, credential: credential) }
    }

    public func course(code: String) async throws -> Course? {
        try await repository.statement { try await $0.course(code: code) }
    }
}
