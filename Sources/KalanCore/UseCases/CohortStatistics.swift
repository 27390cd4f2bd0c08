import Foundation

/// Cohort statistics for leadership, HR and admins; trainers see only the sessions they train.
public struct CohortStatistics: Sendable {
    let repository: any KalanRepository
    let maxGroups: Int

    public init(repository: any KalanRepository, maxGroups: Int = CohortStatistics.maxGroups) {
        self.repository = repository
        self.maxGroups = maxGroups
    }

    public static let maxDimensions = 3
    /// The most groups a report gives: 5,000 sessions fit; a report by session and department
    /// (100,000 groups, 700 MB while its JSON was written) is refused with what to do instead.
    public static let maxGroups = 20_000

    public func cohorts(_ query: CohortQuery, actor: Actor) async throws -> CohortReport {
        guard query.by.count <= Self.maxDimensions else { throw KalanError.invalid(field: "by", problem: .range(min: 0, max: Self.maxDimensions)) }
        guard Set(query.by).count == query.by.count else { throw KalanError.invalid(field: "by", problem: .format(.eachDimensionOnce)) }
        if let from = query.from, let to = query.to, to < from { throw KalanError.invalid(field: "to", problem: .order(mustFollow: "from")) }
        var scoped = query
        scoped.courseCode = try query.courseCode.map { try Validate.code($0, field: "course") }
        scoped.partnerCode = try query.partnerCode.map { try Validate.code($0, field: "partner") }
        scoped.programmeCode = try query.programmeCode.map { try Validate.code($0, field: "programme") }
        scoped.departmentCode = try query.departmentCode.map { try Validate.code($0, field: "department") }
        scoped.domain = try query.domain.map { try Validate.domain($0) }
        if actor.role == .trainer { scoped.trainerID = actor.userID ?? UUID() }
        let final = scoped
        let report = try await repository.cohorts(final)
        guard report.groups.count <= maxGroups else { throw KalanError.invalid(field: "by", problem: .tooManyGroups(max: maxGroups)) }
        return report
    }

    /// Every programme against its target; not for trainers, who work for partners.
    public func programmeProgress(actor: Actor) async throws -> [ProgrammeProgress] {
        guard actor.role != .trainer else { throw KalanError.forbidden }
        return try await repository.programmeProgress()
    }
}
