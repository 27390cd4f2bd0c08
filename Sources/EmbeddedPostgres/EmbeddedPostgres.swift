import Foundation
import Logging
import Postgres
import Subprocess
import SystemPackage

/// A private PostgreSQL server started from the installed binaries, in a data folder of its own,
/// listening on a Unix socket in that folder (and on 127.0.0.1 only when a port is asked for).
///
/// Under root the server runs as the `postgres` user, as PostgreSQL requires. `initdb`, `pg_ctl`
/// and the rest run through swift-subprocess, whose waits suspend instead of blocking a thread.
public struct EmbeddedPostgres: Sendable {
    public struct Options: Sendable {
        /// Also listen on 127.0.0.1 at this TCP port.
        public var tcpPort: Int?
        /// Trade durability for speed (throwaway test servers).
        public var durable: Bool
        /// Folder of `initdb`, `pg_ctl` and `postgres` (KALAN_PG_BINDIR); nil: found.
        public var binDirectory: String?
        /// PostgreSQL's max_connections (the test server runs many pools side by side).
        public var maxConnections: Int
        public init(tcpPort: Int? = nil, durable: Bool = true, binDirectory: String? = nil, maxConnections: Int = 200) {
            self.tcpPort = tcpPort
            self.durable = durable
            self.binDirectory = binDirectory
            self.maxConnections = maxConnections
        }
    }

    public let dataDirectory: URL
    public let options: Options
    let logger: Logger

    /// The cluster lives in `<dataDirectory>/postgres`, its log beside it.
    public var clusterDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
    public var logFile: URL { dataDirectory.appendingPathComponent("postgres.log") }

    public init(dataDirectory: URL, options: Options = Options(), logger: Logger = Logger(label: "kalan.embedded-postgres")) {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.options = options
        self.logger = logger
    }

    /// The folder holding the server's socket: the cluster folder, or a short one under /tmp when
    /// that path would pass the 107-byte limit of a Unix socket path.
    public var socketDirectory: String {
        let preferred = clusterDirectory.path
        if preferred.utf8.count + 20 < 100 { return preferred }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in preferred.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return "/tmp/kalan-pg-\(String(hash, radix: 36))"
    }

    static let port = 5432

    /// A libpq URL for a database on this server.
    public func url(database: String = "postgres") -> String {
        let host = socketDirectory.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? socketDirectory
        return "postgresql:///\(database)?host=\(host)&port=\(Self.port)&user=postgres"
    }

    // MARK: - Start and stop

    /// Initialises the cluster if needed and starts the server; a server already running on this
    /// folder is reused. Returns once it accepts connections: true when this call started it.
    @discardableResult
    public func start() async throws -> Bool {
        let binaries = try await clusterBinaries()
        let fm = FileManager.default
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let runAs = Self.isRoot ? "postgres" : nil
        if runAs != nil { try await checkReachableByPostgresUser() }

        if !fm.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) {
            try fm.createDirectory(at: clusterDirectory, withIntermediateDirectories: true)
            try chownToServerUser(clusterDirectory)
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: clusterDirectory.path)
            logger.info("initialising PostgreSQL cluster", metadata: ["folder": "\(clusterDirectory.path)"])
            try await run(
                binaries.appendingPathComponent("initdb"),
                ["-D", clusterDirectory.path, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"],
                as: runAs)
            let conf = clusterDirectory.appendingPathComponent("postgresql.conf")
            let handle = try FileHandle(forWritingTo: conf)
            handle.seekToEndOfFile()
            handle.write(Data("\ninclude_if_exists = 'kalan.conf'\n".utf8))
            try handle.close()
        }
        try writeSettings()
        if try await isRunning(binaries: binaries) {
            logger.info("reusing running PostgreSQL", metadata: ["folder": "\(clusterDirectory.path)"])
            return false
        }
        if socketDirectory != clusterDirectory.path {
            try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
            try chownToServerUser(URL(fileURLWithPath: socketDirectory))
        }
        if !fm.fileExists(atPath: logFile.path) { _ = fm.createFile(atPath: logFile.path, contents: nil) }
        try chownToServerUser(logFile)
        try await run(
            binaries.appendingPathComponent("pg_ctl"),
            ["-D", clusterDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"],
            as: runAs, failure: "PostgreSQL did not start; see \(logFile.path)")
        return true
    }

    /// Stops the server (fast shutdown: open transactions roll back).
    public func stop() async throws {
        let binaries = try await clusterBinaries()
        guard try await isRunning(binaries: binaries) else { return }
        try await run(
            binaries.appendingPathComponent("pg_ctl"),
            ["-D", clusterDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"],
            as: Self.isRoot ? "postgres" : nil)
    }

    public func isRunning() async throws -> Bool { try await isRunning(binaries: clusterBinaries()) }

    /// Stops the server without waiting on Swift concurrency, for `atexit` handlers: a fast
    /// shutdown request (SIGINT) to the postmaster, then up to `timeout` seconds for it to go.
    public func stopAtExit(timeout: Double = 30) {
        let pidFile = clusterDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = text.split(separator: "\n").first.flatMap({ pid_t($0.trimmingCharacters(in: .whitespaces)) }), pid > 0,
            kill(pid, SIGINT) == 0
        else { return }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while kill(pid, 0) == 0, ContinuousClock.now < deadline { usleep(20_000) }
    }

    private func isRunning(binaries: URL) async throws -> Bool {
        guard FileManager.default.fileExists(atPath: clusterDirectory.appendingPathComponent("postmaster.pid").path) else {
            return false
        }
        let status = try await Self.execute(
            binaries.appendingPathComponent("pg_ctl"), ["-D", clusterDirectory.path, "status"],
            as: Self.isRoot ? "postgres" : nil)
        return status.code == 0
    }

    /// Creates a database unless it exists.
    public func createDatabase(_ name: String, template: String? = nil) async throws {
        let pool = PostgresPool(configuration: .init(url: url()), maxConnections: 1, logger: logger)
        do {
            let exists = try await pool.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
            if exists.isEmpty {
                var sql = "CREATE DATABASE \(Self.quoted(name))"
                if let template { sql += " TEMPLATE \(Self.quoted(template))" }
                do {
                    try await pool.withConnection { try await $0.run(sql) }
                } catch let error as PostgresError where error.isUniqueViolation || error.sqlState == "42P04" {
                    // Another command created it at the same moment: it exists, as wanted.
                }
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func writeSettings() throws {
        var lines = [
            "# Written by Kalan at each start.",
            "listen_addresses = '\(options.tcpPort == nil ? "" : "127.0.0.1")'",
            "port = \(options.tcpPort ?? Self.port)",
            "unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'",
            "max_connections = \(options.maxConnections)",
            "timezone = 'UTC'",
        ]
        if !options.durable {
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let file = clusterDirectory.appendingPathComponent("kalan.conf")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        try chownToServerUser(file)
    }

    // MARK: - Running as the postgres user

    static var isRoot: Bool { geteuid() == 0 }

    func chownToServerUser(_ url: URL) throws {
        guard Self.isRoot else { return }
        guard let user = getpwnam("postgres") else {
            throw EmbeddedPostgresError(
                "Running as root needs a 'postgres' system user to run PostgreSQL; install it with: apt-get install postgresql")
        }
        if chown(url.path, user.pointee.pw_uid, user.pointee.pw_gid) != 0 {
            throw EmbeddedPostgresError("Cannot give \(url.path) to the postgres user (chown failed).")
        }
    }

    /// The postgres user must be able to walk down to the data folder.
    func checkReachableByPostgresUser() async throws {
        let test = try await Self.execute(URL(fileURLWithPath: "/usr/bin/test"), ["-x", dataDirectory.path], as: "postgres")
        guard test.code != 0 else { return }
        var blocking = dataDirectory
        var candidate = dataDirectory
        while candidate.path != "/" {
            candidate.deleteLastPathComponent()
            let probe = try await Self.execute(URL(fileURLWithPath: "/usr/bin/test"), ["-x", candidate.path], as: "postgres")
            if probe.code == 0 { break }
            blocking = candidate
        }
        throw EmbeddedPostgresError(
            """
            PostgreSQL runs as the 'postgres' user, which cannot reach \(dataDirectory.path): \
            the folder \(blocking.path) is closed to other users. Either run `chmod o+x \(blocking.path)`, \
            or set KALAN_DATA_DIR to a folder it can reach, such as /var/lib/kalan.
            """)
    }

    // MARK: - Binaries

    /// The major version that made this folder's cluster (its `PG_VERSION`), nil before `initdb`.
    public var clusterVersion: String? {
        (try? String(contentsOf: clusterDirectory.appendingPathComponent("PG_VERSION"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The binaries for this folder: an existing cluster runs with its own major version (a newer
    /// PostgreSQL installed beside it cannot start it; `pg_upgrade` moves it, see the README), a new
    /// one with the newest found.
    func clusterBinaries() async throws -> URL {
        try await Self.binaries(configured: options.binDirectory, version: clusterVersion)
    }

    /// Finds `initdb`, `pg_ctl` and `postgres`: the configured folder, then for a given major
    /// `version` only /usr/lib/postgresql/<version>/bin; otherwise `pg_config --bindir`, then
    /// /usr/lib/postgresql/*/bin, newest first.
    public static func binaries(configured: String? = nil, version: String? = nil) async throws -> URL {
        let fm = FileManager.default
        var candidates: [String] = []
        if let configured { candidates.append(configured) }
        if let version, configured == nil {
            let folder = "/usr/lib/postgresql/\(version)/bin"
            guard ["initdb", "pg_ctl", "postgres"].allSatisfy({ fm.isExecutableFile(atPath: folder + "/" + $0) }) else {
                throw EmbeddedPostgresError(
                    "This data folder's PostgreSQL cluster was made by PostgreSQL \(version), whose server is not installed (\(folder)). "
                        + "Install it (apt-get install postgresql-\(version)), or upgrade the cluster with pg_upgrade as the README's Production section says.")
            }
            return URL(fileURLWithPath: folder)
        }
        for pgConfig in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where fm.isExecutableFile(atPath: pgConfig) {
            if let result = try? await execute(URL(fileURLWithPath: pgConfig), ["--bindir"], as: nil), result.code == 0 {
                candidates.append(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin")
        }
        for directory in candidates {
            if fm.isExecutableFile(atPath: directory + "/initdb"), fm.isExecutableFile(atPath: directory + "/pg_ctl"),
                fm.isExecutableFile(atPath: directory + "/postgres")
            {
                return URL(fileURLWithPath: directory)
            }
        }
        throw EmbeddedPostgresError(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them with: apt-get install postgresql (or set KALAN_DATABASE_URL to use an existing server).")
    }

    func run(_ executable: URL, _ arguments: [String], as user: String?, failure: String? = nil) async throws {
        let result = try await Self.execute(executable, arguments, as: user)
        guard result.code == 0 else {
            let tail = result.output.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw EmbeddedPostgresError((failure ?? "\(executable.lastPathComponent) failed") + ":\n" + tail)
        }
    }

    /// Runs a program to completion in "/" (the postgres user may not be allowed into our working
    /// folder), standard error merged into the output; under `user` through runuser.
    static func execute(
        _ executable: URL, _ arguments: [String], as user: String?, environment: [String: String] = [:]
    ) async throws -> (code: Int32, output: String) {
        let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--", executable.path] } ?? [executable.path]
        var updates: [Environment.Key: String?] = [:]
        for (name, value) in environment { if let key = Environment.Key(rawValue: name) { updates[key] = value } }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(command[0])), arguments: Arguments(Array(command.dropFirst()) + arguments), environment: .inherit.updating(updates),
                workingDirectory: FilePath("/"),
                input: .none, output: .string(limit: 1 << 20), error: .combinedWithOutput)
            let code: Int32 =
                switch result.terminationStatus {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
            return (code, result.standardOutput)
        } catch {
            throw EmbeddedPostgresError("cannot run \(executable.path): \(error)")
        }
    }
}

public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
