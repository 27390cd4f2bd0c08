import Foundation

/// Reading the certificates list (search by serial, session, holder's name or staff number). Not
/// for trainers: they reach their sessions' certificates from the roster.
public struct CertificateQueries: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    public func listing(search: String?, limit: Int, actor: Actor) async throws -> (found: [CertificateListing], total: Int) {
        try actor.require(.certificates)
        return try await repository.statement { work in
            (try await work.certificateListing(search: search, limit: limit), try await work.certificateCount(search: search))
        }
    }
}
