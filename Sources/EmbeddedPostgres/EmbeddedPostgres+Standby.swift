import Foundation
import Logging

extension EmbeddedPostgres {
    /// Makes this (empty) folder a hot standby of `primary` with PostgreSQL's own tools:
    /// `pg_basebackup -R` copies the primary's cluster and writes `standby.signal` and the
    /// `primary_conninfo` of streaming replication (over the primary's Unix socket); then the
    /// standby starts and stays running, read-only, a fraction of a second behind. The primary
    /// must be running. `pg_ctl promote` (see `promote()`) turns it into a primary.
    public func createStandby(of primary: EmbeddedPostgres) async throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) else {
            throw EmbeddedPostgresError("\(dataDirectory.path) already holds a database: a standby is made in an empty data folder.")
        }
        // The copy runs with the primary's major version, whatever else is installed.
        let binaries = try await Self.binaries(configured: options.binDirectory, version: primary.clusterVersion)
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let runAs = Self.isRoot ? "postgres" : nil
        if runAs != nil { try await checkReachableByPostgresUser() }
        try? fm.removeItem(at: clusterDirectory)
        try fm.createDirectory(at: clusterDirectory, withIntermediateDirectories: true)
        try chownToServerUser(clusterDirectory)
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: clusterDirectory.path)
        logger.info("copying the primary", metadata: ["from": "\(primary.clusterDirectory.path)", "to": "\(clusterDirectory.path)"])
        try await run(
            binaries.appendingPathComponent("pg_basebackup"),
            ["-D", clusterDirectory.path, "-R", "-X", "stream", "-c", "fast", "-d", primary.url()],
            as: runAs, failure: "pg_basebackup could not copy \(primary.dataDirectory.path) (is its server running?)")
        // The primary's socket lives in its cluster folder: the copy holds its lock file, which
        // would stop the standby from opening its own socket.
        for name in (try? fm.contentsOfDirectory(atPath: clusterDirectory.path)) ?? [] where name.hasPrefix(".s.PGSQL.") {
            try? fm.removeItem(at: clusterDirectory.appendingPathComponent(name))
        }
        try await start()
    }

    /// Promotes a standby to a primary (`pg_ctl promote`): it stops following and takes writes.
    public func promote() async throws {
        let binaries = try await clusterBinaries()
        try await run(
            binaries.appendingPathComponent("pg_ctl"), ["-D", clusterDirectory.path, "-w", "-t", "60", "promote"],
            as: Self.isRoot ? "postgres" : nil, failure: "pg_ctl promote failed")
    }
}
