import ArgumentParser
import EmbeddedPostgres
import Foundation
import KalanCertificates
import KalanConfiguration
import KalanCore
import KalanStore
import Postgres

/// `kalan db backup FILE` and `kalan db restore FILE`: PostgreSQL's own dump (pg_dump, custom
/// format) and the signing key, in one tar file of mode 0600. The key is secret: whoever holds
/// the file can sign certificates in the ministry's name; the file says so in its member's name.
enum BackupFile {
    static let dump = "kalan.dump"
    static let key = "SECRET-signing-key.json"
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Back up the database (pg_dump, custom format) and the signing key into FILE (a tar file, mode 0600; keep it secret).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file to write (refused when it exists).") var file: String

    func run() async throws {
        let target = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        try await CommandContext.run(global) { ctx in
            guard !FileManager.default.fileExists(atPath: target.path) else {
                throw CommandFailure(text: ctx.t("cli.backup.exists", ["file": target.path]))
            }
            let work = try BackupWork.folder()
            defer { try? FileManager.default.removeItem(at: work) }
            // The password goes through pg_dump's environment, never its command line.
            let connection = PostgresTools.connection(ctx.runtime.url)
            try await PostgresTools.check(
                "pg_dump", ["--format=custom", "--no-owner", "--file", work.appendingPathComponent(BackupFile.dump).path, "--dbname", connection.url],
                binDirectory: GlobalOptions.settings.postgresBinDirectory, environment: connection.environment)
            var members = [BackupFile.dump]
            if FileManager.default.fileExists(atPath: global.signingKeyPath) {
                try FileManager.default.copyItem(atPath: global.signingKeyPath, toPath: work.appendingPathComponent(BackupFile.key).path)
                members.append(BackupFile.key)
            }
            FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
            let tar = try await PostgresTools.runProgram("/usr/bin/tar", ["-cf", target.path, "-C", work.path] + members)
            guard tar.code == 0 else {
                try? FileManager.default.removeItem(at: target)
                throw CommandFailure(text: "tar: " + tar.output)
            }
            let counts = try await BackupWork.counts(ctx.runtime.pool)
            ctx.say("cli.backup.done", ["file": target.path, "trainees": "\(counts.trainees)", "certificates": "\(counts.certificates)"])
            if members.count == 1 { ctx.say("cli.backup.no_key") }
        }
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup made by `kalan db backup` into an empty database (and its signing key into the data folder).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file.") var file: String
    @Flag(help: "Replace what the target database and signing key hold.") var force = false

    func run() async throws {
        let source = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        let logger = global.bootstrapLogging()
        let language = global.language
        do {
            guard FileManager.default.isReadableFile(atPath: source.path) else {
                throw CommandFailure(text: Messages.text("cli.backup.unreadable", language, ["file": source.path]))
            }
            let work = try BackupWork.folder()
            defer { try? FileManager.default.removeItem(at: work) }
            let tar = try await PostgresTools.runProgram("/usr/bin/tar", ["--no-same-owner", "-xf", source.path, "-C", work.path, BackupFile.dump])
            guard tar.code == 0 else { throw KalanError.invalid(field: "file", problem: .format(.backupFile)) }
            _ = try await PostgresTools.runProgram("/usr/bin/tar", ["--no-same-owner", "-xf", source.path, "-C", work.path, BackupFile.key])
            // A backup holds two plain files: a link (symbolic or hard) or anything else is refused
            // before it is read, and nothing of the backup is restored.
            let key = work.appendingPathComponent(BackupFile.key)
            let hasKey = FileManager.default.fileExists(atPath: key.path) || BackupWork.isLink(key)
            for member in [work.appendingPathComponent(BackupFile.dump)] + (hasKey ? [key] : []) where !BackupWork.isPlainFile(member) {
                throw CommandFailure(text: Messages.text("cli.backup.not_plain", language, ["member": member.lastPathComponent]))
            }
            if hasKey, FileManager.default.fileExists(atPath: global.signingKeyPath), !force,
                (try? Data(contentsOf: key)) != (try? Data(contentsOf: URL(fileURLWithPath: global.signingKeyPath)))
            {
                throw CommandFailure(text: Messages.text("cli.backup.key_exists", language, ["path": global.signingKeyPath]))
            }
            let counts = try await DatabaseRuntime.with(global, logger: logger) { runtime in
                let tables = try await runtime.pool.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'").first?.decode("n", as: Int.self) ?? 0
                if tables > 0, !force { throw CommandFailure(text: Messages.text("cli.backup.not_empty", language, ["tables": "\(tables)"])) }
                // All or nothing; with --force, what the target holds is dropped first, in the same transaction.
                let connection = PostgresTools.connection(runtime.url)
                let arguments = (force ? ["--clean", "--if-exists"] : []) + ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", connection.url]
                try await PostgresTools.check(
                    "pg_restore", arguments + [work.appendingPathComponent(BackupFile.dump).path], binDirectory: GlobalOptions.settings.postgresBinDirectory,
                    environment: connection.environment)
                return try await BackupWork.counts(runtime.pool)
            }
            if hasKey {
                // Written new (mode 0600) and renamed over the old key: a link there is replaced, never followed.
                try IssuerKeyFile.replace(try Data(contentsOf: key), at: global.signingKeyPath)
            }
            print(Messages.text("cli.backup.restored", language, ["trainees": "\(counts.trainees)", "certificates": "\(counts.certificates)"]))
        } catch {
            FileHandle.standardError.write(Data(("kalan: " + CommandContext.message(for: error, in: language) + "\n").utf8))
            throw ExitCode(CommandContext.exitCode(for: error))
        }
    }
}

enum BackupWork {
    /// A private scratch folder (mode 0700): the key passes through it.
    static func folder() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kalan-backup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return url
    }

    /// A regular file with one name: not a symbolic link (never followed to find out), not a hard
    /// link to a file elsewhere, not a device, a fifo or a folder.
    static func isPlainFile(_ url: URL) -> Bool {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT == S_IFREG && status.st_nlink == 1
    }

    static func isLink(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    static func counts(_ pool: PostgresPool) async throws -> (trainees: Int, certificates: Int) {
        let row = try await pool.query("SELECT (SELECT count(*) FROM trainee) AS trainees, (SELECT count(*) FROM certificate) AS certificates").first
        return (try row?.decode("trainees", as: Int.self) ?? 0, try row?.decode("certificates", as: Int.self) ?? 0)
    }
}
