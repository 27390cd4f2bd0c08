import Crypto
import Foundation
import KalanCore
import Logging
import Postgres

/// One numbered schema change from `sql/`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file it comes from: `0007_operations.sql`.
    public var fileName: String { String(format: "%04d_", version) + name + ".sql" }

    /// SHA-256 of the file's text, hex: an edited migration no longer matches what was applied.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case edited(version: Int, name: String)
    case unknownApplied(version: Int)
    /// A pending migration numbered below one already applied: it would run after what it
    /// precedes. Renumber it after the last applied one.
    case outOfOrder(pending: String, applied: String)

    public var description: String {
        switch self {
        case .edited(let version, let name):
            "Migration \(version) (\(name)) was edited after it was applied; restore it and add a new migration instead."
        case .unknownApplied(let version):
            "The database has migration \(version), which this Kalan does not know: it is older than the database."
        case .outOfOrder:
            message(in: .en)
        }
    }

    /// The refusal in the operator's language.
    public func message(in language: Language) -> String {
        switch self {
        case .outOfOrder(let pending, let applied):
            Messages.text("cli.db.migration_out_of_order", language, ["pending": pending, "applied": applied])
        default:
            description
        }
    }
}

/// Applies pending migrations, one transaction each, recorded with their checksum. Several
/// processes may start at once: an advisory lock lets one migrate while the others wait.
public struct Migrator: Sendable {
    public let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration] = Migration.all, logger: Logger = Logger(label: "kalan.migrations")) {
        self.migrations = migrations
        self.logger = logger
    }

    public struct Status: Sendable {
        public let migration: Migration
        public let appliedAt: Date?
    }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [Migration] {
        try await pool.withConnection { connection in
            // Waiting for another server's migrations, and a migration itself, may take as long as
            // the data needs: no statement or lock timeout (the connection's own come back after).
            try await connection.run("SET statement_timeout = 0; SET lock_timeout = 0")
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await migrate(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                try await connection.run("RESET statement_timeout; RESET lock_timeout")
                return applied
            } catch {
                if await !connection.isBroken() {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                    try? await connection.run("RESET statement_timeout; RESET lock_timeout")
                }
                throw error
            }
        }
    }

    /// Each migration with the time it was applied, nil when pending.
    public func status(_ pool: PostgresPool) async throws -> [Status] {
        // Under the migrations' lock: a `kalan db migrate` running beside it creates the table too.
        try await pool.withTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))")
            try await ensureTable(connection)
            let applied = try await appliedMigrations(connection)
            return migrations.map { Status(migration: $0, appliedAt: applied[$0.version]?.appliedAt) }
        }
    }

    /// True when every known migration is applied and none was edited.
    public func isUpToDate(_ pool: PostgresPool) async throws -> Bool {
        try await pool.withConnection { connection in
            let table = try await connection.query("SELECT to_regclass('kalan_migration') IS NOT NULL AS present")
            guard try table.first?.decode("present", as: Bool.self) == true else { return false }
            let applied = try await appliedMigrations(connection)
            return migrations.allSatisfy { applied[$0.version]?.checksum == $0.checksum }
        }
    }

    static let lockKey: Int64 = 0x4b414c414e  // "KALAN"

    private func migrate(on connection: PostgresConnection) async throws -> [Migration] {
        try await ensureTable(connection)
        let applied = try await appliedMigrations(connection)
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
            throw MigrationError.unknownApplied(version: unknown)
        }
        for migration in migrations {
            if let record = applied[migration.version], record.checksum != migration.checksum {
                throw MigrationError.edited(version: migration.version, name: migration.name)
            }
        }
        // Every check before the first change: a pending migration below an applied one would
        // run after the schema it precedes, and is refused with both files named.
        if let last = applied.keys.max(), let early = migrations.first(where: { applied[$0.version] == nil && $0.version < last }),
            let after = migrations.first(where: { $0.version == last })
        {
            throw MigrationError.outOfOrder(pending: early.fileName, applied: after.fileName)
        }
        var done: [Migration] = []
        for migration in migrations where applied[migration.version] == nil {
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            try await connection.withTransaction { connection in
                try await connection.run(migration.sql)
                try await connection.query(
                    """
                    INSERT INTO kalan_migration (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
            }
            done.append(migration)
        }
        return done
    }

    private func ensureTable(_ connection: PostgresConnection) async throws {
        try await connection.run(
            """
            SET client_min_messages = warning;
            CREATE TABLE IF NOT EXISTS kalan_migration (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            RESET client_min_messages;
            """)
    }

    private func appliedMigrations(_ connection: PostgresConnection) async throws -> [Int: (checksum: String, appliedAt: Date)] {
        var result: [Int: (checksum: String, appliedAt: Date)] = [:]
        for row in try await connection.query("SELECT version, checksum, applied_at FROM kalan_migration") {
            result[try row.decode("version")] = (try row.decode("checksum"), try row.decode("applied_at"))
        }
        return result
    }
}
