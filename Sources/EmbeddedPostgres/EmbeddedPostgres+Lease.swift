import Foundation

/// Several `kalan` commands may use one data folder at once (two HR scripts, a cron job and a
/// person). Two file locks in the folder keep them from tripping over each other:
///
/// - `start.lock`, held exclusively while a command starts the server or decides to stop it, so
///   that the second of two commands started together waits and then finds the server running;
/// - `users.lock`, held shared by every command that uses the server: the last one out sees that
///   nobody else holds it and stops the server, if a Kalan command started it (`started-by-kalan`).
///   A server somebody started by hand is never stopped.
///
/// The locks are `flock` locks: the system drops them when a process dies, so a crashed command
/// leaves nothing stuck. Waiting polls with `LOCK_NB` and sleeps, so no thread blocks.
extension EmbeddedPostgres {
    /// A command's use of the server, from `lease()` until `release()`.
    public final class Lease: Sendable {
        let user: Int32
        let server: EmbeddedPostgres

        init(user: Int32, server: EmbeddedPostgres) {
            self.user = user
            self.server = server
        }

        /// Gives the server up; stops it when this was its last user and a Kalan command started it.
        public func release() async throws {
            let start = try await server.lock("start.lock", LOCK_EX)
            defer { close(start) }
            close(user)
            let marker = server.dataDirectory.appendingPathComponent("started-by-kalan")
            let probe = try server.open("users.lock")
            defer { close(probe) }
            guard flock(probe, LOCK_EX | LOCK_NB) == 0 else { return }
            if FileManager.default.fileExists(atPath: marker.path) {
                try await server.stop()
                try? FileManager.default.removeItem(at: marker)
            }
        }
    }

    /// Starts the server unless it runs (waiting for a command that is starting it) and registers
    /// this command as one of its users.
    public func lease() async throws -> Lease {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let start = try await lock("start.lock", LOCK_EX)
        defer { close(start) }
        if try await self.start() {
            FileManager.default.createFile(atPath: dataDirectory.appendingPathComponent("started-by-kalan").path, contents: Data())
        }
        let user = try await lock("users.lock", LOCK_SH)
        return Lease(user: user, server: self)
    }

    func open(_ name: String) throws -> Int32 {
        let path = dataDirectory.appendingPathComponent(name).path
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EmbeddedPostgresError("cannot open the lock file \(path) (errno \(errno))") }
        return fd
    }

    /// Opens the lock file and takes the lock, polling every 20 ms until it is free.
    func lock(_ name: String, _ operation: Int32) async throws -> Int32 {
        let fd = try open(name)
        while flock(fd, operation | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw EmbeddedPostgresError("cannot lock \(name) in \(dataDirectory.path) (errno \(errno))")
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                close(fd)
                throw error
            }
        }
        return fd
    }
}
