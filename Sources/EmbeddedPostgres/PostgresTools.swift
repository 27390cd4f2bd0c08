import Foundation

/// PostgreSQL's own client tools (`pg_dump`, `pg_restore`, `pg_basebackup`, `psql`) and plain
/// programs (`tar`), run to completion through swift-subprocess, for backups and standbys.
public enum PostgresTools {
    /// Runs a tool of the server's binary folder (`pg_dump`…); under root as `as` when given.
    public static func run(
        _ tool: String, _ arguments: [String], binDirectory: String? = nil, as user: String? = nil, environment: [String: String] = [:]
    ) async throws -> (code: Int32, output: String) {
        try await EmbeddedPostgres.execute(find(tool, binDirectory: binDirectory), arguments, as: EmbeddedPostgres.isRoot ? user : nil, environment: environment)
    }

    /// A libpq URL (or `key=value` connection string) split so that its password never goes on
    /// a command line, where any local user may read it (`/proc/PID/cmdline`, `ps`): the URL
    /// without the password (in the user part or as `password=`), and the password as
    /// `PGPASSWORD` for the tool's environment, which only its user can read.
    public static func connection(_ url: String) -> (url: String, environment: [String: String]) {
        if url.contains("://") {
            guard var components = URLComponents(string: url) else { return (url, [:]) }
            var password = components.password
            components.password = nil
            if let items = components.queryItems, let item = items.first(where: { $0.name == "password" }) {
                password = item.value ?? password
                let kept = items.filter { $0.name != "password" }
                components.queryItems = kept.isEmpty ? nil : kept
            }
            guard let stripped = components.string else { return (url, [:]) }
            return (stripped, password.map { ["PGPASSWORD": $0] } ?? [:])
        }
        var password: String?
        let kept = url.split(separator: " ").filter { pair in
            guard pair.hasPrefix("password=") else { return true }
            password = String(pair.dropFirst("password=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            return false
        }
        return (kept.joined(separator: " "), password.map { ["PGPASSWORD": $0] } ?? [:])
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
    public static func check(
        _ tool: String, _ arguments: [String], binDirectory: String? = nil, as user: String? = nil, environment: [String: String] = [:]
    ) async throws {
        let result = try await run(tool, arguments, binDirectory: binDirectory, as: user, environment: environment)
        guard result.code == 0 else {
            throw EmbeddedPostgresError("\(tool) failed:\n" + result.output.split(separator: "\n").suffix(5).joined(separator: "\n"))
        }
    }
}
