import Foundation

/// Reading accounts: an administrator reads any account with the partners a trainer may belong
/// to; anyone reads their own.
extension Accounts {
    public func user(username: String, actor: Actor) async throws -> (user: User, partners: [Partner]) {
        try actor.require(.accounts)
        let name = username.lowercased()
        let (found, partners) = try await repository.statement { work in (try await work.user(username: name), try await work.partners()) }
        guard let found else { throw KalanError.notFound(.user, key: username) }
        return (found, partners)
    }

    /// The partners a trainer's account may name (the account form's choices).
    public func partnerChoices(actor: Actor) async throws -> [Partner] {
        try actor.require(.accounts)
        return try await repository.statement { try await $0.partners() }
    }

    /// The account of the person acting.
    public func me(actor: Actor) async throws -> User {
        guard let id = actor.userID, let user = try await repository.statement({ try await $0.user(id: id) }) else { throw KalanError.forbidden }
        return user
    }
}
