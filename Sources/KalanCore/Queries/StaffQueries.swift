import Foundation

/// Reading the staff register: lists, one record, the departments that name people's units.
/// Trainers do not read the register (they see the people on their sessions' rosters).
public struct StaffQueries: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// A page of the register, the departments to name each person's unit, and the count of all
    /// matches when asked (a page shows it; the API does not).
    public struct Page: Sendable {
        public var staff: [Trainee]
        public var total: Int?
        public var departments: Departments
    }

    public func list(_ filter: TraineeFilter, counted: Bool = false, actor: Actor) async throws -> Page {
        try actor.require(.register)
        return try await repository.statement { work in
            let staff = try await work.trainees(filter)
            let total = counted ? try await work.traineeCount(filter) : nil
            return Page(staff: staff, total: total, departments: Departments(try await work.departments()))
        }
    }

    /// One staff member (the number in any case) and their department.
    public func record(staffNumber: String, actor: Actor) async throws -> (Trainee, Department?) {
        try actor.require(.register)
        let key = String(staffNumber.prefix(FieldLimits.staffNumber))
        return try await repository.statement { work in
            guard staffNumber.count <= FieldLimits.staffNumber, let trainee = try await work.trainee(staffNumber: key) else {
                throw KalanError.notFound(.trainee, key: key)
            }
            guard let id = trainee.departmentID else { return (trainee, nil) }
            return (trainee, try await work.departments().first { $0.id == id })
        }
    }

    /// The staff member with this number, if any (the number in any case): for those who enrol.
    public func find(staffNumber: String, actor: Actor) async throws -> Trainee? {
        try actor.require(.register)
        guard staffNumber.count <= FieldLimits.staffNumber else { return nil }
        return try await repository.statement { try await $0.trainee(staffNumber: staffNumber) }
    }
}

/// Departments by identifier, to name a person's unit by its code or its name.
public struct Departments: Sendable {
    public let all: [Department]
    let byID: [UUID: Department]

    public init(_ all: [Department]) {
        self.all = all
        byID = Dictionary(all.map { ($0.id, $0) }) { first, _ in first }
    }

    public func code(of id: UUID?) -> String? { id.flatMap { byID[$0]?.code } }
    public func name(of id: UUID?, in language: Language) -> String? { id.flatMap { byID[$0]?.name(in: language) } }
}
