import Foundation

/// Reading the catalogue: departments, partners, programmes, courses. Everyone but trainers reads
/// the lists and forms; every signed-in person reads their names (statistics label their groups).
public struct CatalogueQueries: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// The whole catalogue, read together.
    public struct Catalogue: Sendable {
        public var departments: [Department]
        public var partners: [Partner]
        public var programmes: [Programme]
        public var courses: [Course]
    }

    /// Names for the statistics' groups and filters.
    public func labels(actor: Actor) async throws -> Catalogue {
        try actor.require(.labels)
        return try await repository.statement { work in
            Catalogue(
                departments: try await work.departments(), partners: try await work.partners(), programmes: try await work.programmes(),
                courses: try await work.courses())
        }
    }

    public func departments(actor: Actor) async throws -> [Department] {
        try actor.require(.catalogue)
        return try await repository.statement { try await $0.departments() }
    }

    public func partners(actor: Actor) async throws -> [Partner] {
        try actor.require(.catalogue)
        return try await repository.statement { try await $0.partners() }
    }

    public func programmes(actor: Actor) async throws -> (programmes: [Programme], partners: [Partner]) {
        try actor.require(.catalogue)
        return try await repository.statement { work in (try await work.programmes(), try await work.partners()) }
    }

    public func courses(actor: Actor) async throws -> (courses: [Course], programmes: [Programme]) {
        try actor.require(.catalogue)
        return try await repository.statement { work in (try await work.courses(), try await work.programmes()) }
    }

    /// What a session's form offers: courses, partners, programmes.
    public func sessionChoices(actor: Actor) async throws -> Catalogue {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.statement { work in
            Catalogue(departments: [], partners: try await work.partners(), programmes: try await work.programmes(), courses: try await work.courses())
        }
    }

    public func department(code: String, actor: Actor) async throws -> Department {
        try await one(.department, code: code, actor: actor) { try await $0.department(code: $1) }
    }

    public func partner(code: String, actor: Actor) async throws -> Partner {
        try await one(.partner, code: code, actor: actor) { try await $0.partner(code: $1) }
    }

    public func programme(code: String, actor: Actor) async throws -> Programme {
        try await one(.programme, code: code, actor: actor) { try await $0.programme(code: $1) }
    }

    public func course(code: String, actor: Actor) async throws -> Course {
        try await one(.course, code: code, actor: actor) { try await $0.course(code: $1) }
    }

    /// One record of the catalogue by its code, or "not found" naming it.
    func one<T: Sendable>(
        _ entity: KalanError.Entity, code: String, actor: Actor, read: @escaping @Sendable (any KalanUnitOfWork, String) async throws -> T?
    ) async throws -> T {
        try actor.require(.catalogue)
        guard let found = try await repository.statement({ try await read($0, code) }) else { throw KalanError.notFound(entity, key: code) }
        return found
    }
}
