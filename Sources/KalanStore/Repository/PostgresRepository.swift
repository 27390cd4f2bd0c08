import Foundation
import KalanCore
import Postgres

/// KalanCore's repository in PostgreSQL. Rules that need coordination hold here across
/// processes: session rows are locked for seat decisions, constraints refuse the rest.
public struct PostgresRepository: KalanRepository {
    public let pool: PostgresPool
    /// Cohort statistics from the facts kept in memory (servers); nil: every report scans the tables.
    public let cohortIndex: CohortIndex?

    public init(pool: PostgresPool, cohortIndex: CohortIndex? = nil) {
        self.pool = pool
        self.cohortIndex = cohortIndex
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any KalanUnitOfWork) async throws -> T) async throws -> T {
        try await mappingDriverErrors {
            if let ambient = AmbientTransaction.connection(on: pool) {
                return try await AmbientTransaction.savepoint(ambient) { connection in
                    try await body(PostgresUnitOfWork(connection: connection, cohortIndex: cohortIndex))
                }
            }
            return try await pool.withRetryingTransaction { connection in
                try await body(PostgresUnitOfWork(connection: connection, cohortIndex: cohortIndex))
            }
        }
    }

    public func statement<T: Sendable>(_ body: @Sendable (any KalanUnitOfWork) async throws -> T) async throws -> T {
        try await mappingDriverErrors {
            if let ambient = AmbientTransaction.connection(on: pool) {
                return try await AmbientTransaction.savepoint(ambient) { connection in
                    try await body(PostgresUnitOfWork(connection: connection, cohortIndex: cohortIndex))
                }
            }
            return try await pool.withConnection { connection in
                try await body(PostgresUnitOfWork(connection: connection, cohortIndex: cohortIndex))
            }
        }
    }

    /// Constraint violations that a user can cause, as the rule or field they break.
    static func domainError(_ error: PostgresError) -> KalanError? {
        guard let constraint = error.constraint else { return nil }
        switch (error.sqlState, constraint) {
        case ("23P01", "enrolment_trainee_id_period_excl"):
            return .rule(.overlappingSession(session: "?"))
        case ("KL001", "results_closed"):
            // sql/0002_closed_results.sql: the detail is "<staff number> <given name> <family name>".
            let parts = (error.detail ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            return .rule(.resultsClosed(staffNumber: parts.first ?? "?", name: parts.count > 1 ? parts[1] : ""))
        case ("23514", "enrolment_offer_share_check"):
            // sql/migrations/0019_cooperation.sql: the department's share of the offer is full (or it has none).
            return .invalid(field: "offer_share", problem: .format(.freeSharePlace))
        case ("23505", "enrolment_session_id_trainee_id_key"):
            return .rule(.alreadyInSession(staffNumber: "?", session: "?"))
        case ("23505", _):
            // The table libpq names, not a guess from the constraint's name; a table no person
            // writes to directly is a bug, not a duplicate.
            guard let entity = error.table.flatMap(KalanError.Entity.init(table:)) else { return nil }
            return .duplicate(entity, key: Self.duplicateKey(error))
        case ("23514", let name), ("23502", let name):
            return .invalid(field: error.column ?? Self.field(ofConstraint: name, table: error.table), problem: .notAccepted)
        case ("23503", let name):
            return .invalid(field: error.column ?? Self.field(ofConstraint: name, table: error.table), problem: .unknownReference(""))
        default:
            return nil
        }
    }

    /// The value that is already taken, from PostgreSQL's detail `Key (code)=(DNT) already exists.`
    static func duplicateKey(_ error: PostgresError) -> String {
        guard let detail = error.detail, let open = detail.range(of: ")=("), let close = detail.range(of: ") already exists") else { return "" }
        return String(detail[open.upperBound..<close.lowerBound])
    }

    /// `trainee_email_check` → `email`.
    static func field(ofConstraint name: String, table: String?) -> String {
        var field = name
        if let table, field.hasPrefix(table + "_") { field.removeFirst(table.count + 1) }
        for suffix in ["_check", "_fkey", "_key", "_excl"] where field.hasSuffix(suffix) { field.removeLast(suffix.count) }
        return field
    }
}

extension KalanError.Entity {
    /// The record a table holds, by the table's name as libpq reports it; nil for the others.
    init?(table: String) {
        switch table {
        case "department": self = .department
        case "trainee": self = .trainee
        case "partner": self = .partner
        case "programme": self = .programme
        case "course": self = .course
        case "training_session": self = .session
        case "enrolment": self = .enrolment
        case "app_user": self = .user
        case "api_token": self = .token
        case "certificate": self = .certificate
        case "offer": self = .offer
        case "abroad_file": self = .abroadFile
        default: return nil
        }
    }
}

/// One transaction's reads and writes; lives only inside `PostgresRepository.transaction`.
final class PostgresUnitOfWork: KalanUnitOfWork, @unchecked Sendable {
    let connection: PostgresConnection
    let cohortIndex: CohortIndex?

    init(connection: PostgresConnection, cohortIndex: CohortIndex? = nil) {
        self.connection = connection
        self.cohortIndex = cohortIndex
    }

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRows { try await connection.query(query) }

    func audit(_ entry: AuditEntry) async throws {
        try await query(
            """
            INSERT INTO audit_event (actor, source, action, entity, entity_id, before, after)
            VALUES (\(entry.actor.name), \(entry.actor.source), \(entry.action), \(entry.entity.rawValue), \(entry.entityID),
                    \(entry.before.map(PostgresJSON.init(text:))), \(entry.after.map(PostgresJSON.init(text:))))
            """)
    }
}

/// Days travel as PostgreSQL `date`.
extension Day: PostgresCodable {
    public static var postgresType: PostgresType { .date }
    public var postgresText: String? { description }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let date = CalendarDate(text) else { throw PostgresDecodingFailure("not a date") }
        self.init(ordinal: date.daysSinceEpoch)
    }
}
