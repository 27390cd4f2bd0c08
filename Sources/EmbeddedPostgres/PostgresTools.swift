import Foundation

/// PostgreSQL's own client tools (`pg_dump`, `pg_restore`, `pg_basebackup`, `psql`) and plain
/// programs (`tar`), run to completion through swift-subprocess, for backups and standbys.
public enum PostgresTools {
    /// Runs a tool of the server's binary folder (`pg_dump`…); under root as `as` when given.
    public static func run(
        _ tool: String, _ arguments: [String], binDirectory: String? = nil, as user: String? = nil
    ) async throws -> (code: Int32, output: String) {
        try await EmbeddedPostgres.execute(find(tool, binDirectory: binDirectory), arguments, as: EmbeddedPostgres.isRoot ? user : nil)
    }

    /// A client tool in the configured folder, then PostgreSQL's versioned folders (newest
    /// first), then /usr/bin: a machine with the client package only (postgresql-client) has them.
    static func find(_ tool: String, binDirectory: String?) throws -> URL {
        let fm = FileManager.default
        var folders: [String] = []
        if let binDirectory { folders.append(binDirectory) }
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        folders += ["/usr/bin", "/usr/local/bin"]
        guard let folder = folders.first(where: { fm.isExecutableFile(atPath: $0 + "/" + tool) }) else {
            throw EmbeddedPostgresError("\(tool) was not found. Install PostgreSQL's client tools: apt-get install postgresql-client")
        }
        return URL(fileURLWithPath: folder + "/" + tool)
    }

    /// Runs any program by absolute path, as this user.
    public static func runProgram(_ path: String, _ arguments: [String]) async throws -> (code: Int32, output: String) {
        try await EmbeddedPostgres.execute(URL(fileURLWithPath: path), arguments, as: nil)
    }

    /// The same as `run`, failing with the tool's last lines when it does not exit 0.
    public static func check(_ tool: String, _ arguments: [String], binDirectory: String? = nil, as user: String? = nil) async throws {
        let result = try await run(tool, arguments, binDirectory: binDirectory, as: user)
        guard result.code == 0 else {
            throw EmbeddedPostgresError("\(tool) failed:\n" + result.output.split(separator: "\n").suffix(5).joined(separator: "\n"))
        }
    }
}
