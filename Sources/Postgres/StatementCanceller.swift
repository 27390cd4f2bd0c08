import CLibPQ
import Dispatch
import Logging
import NIOPosix
import Synchronization

/// Cancels the statement a connection is running when the task awaiting it is cancelled (a
/// client that went away), so that the connection is free at once instead of when the statement
/// ends: libpq's `PQcancel`, which asks the server on a connection of its own.
///
/// A cancel request may reach the server after the statement it was meant for has ended, and
/// then stop the next one: a connection that sent one is not lent again (`hasSentCancel`).
final class StatementCanceller: Sendable {
    private let key: CancelKey
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// The statement being run or about to run, numbered from 1.
        var statement = 0
        var isRunning = false
        var isCancelled = false
        /// The statement a cancel request was sent for.
        var sentFor: Int?
    }

    /// Call on the connection's thread, right after connecting: libpq reads the server's
    /// address and the connection's secret key from the handle.
    init(connection: OpaquePointer, logger: Logger) {
        key = CancelKey(pointer: PQgetCancel(connection))
        self.logger = logger
    }

    /// True once a cancel request was sent on behalf of this connection.
    var hasSentCancel: Bool { state.withLock { $0.sentFor != nil } }

    /// Runs blocking libpq `work` on `threadPool`, and cancels it on the server when the task is
    /// cancelled meanwhile; it then throws `CancellationError`. A task cancelled before the
    /// statement starts does not start it (`NIOThreadPool.runIfActive`).
    func run<T: Sendable>(on threadPool: NIOThreadPool, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        let statement = state.withLock { state in
            state.statement += 1
            state.isRunning = false
            state.isCancelled = false
            return state.statement
        }
        return try await withTaskCancellationHandler {
            try await threadPool.runIfActive { try self.running(statement, work) }
        } onCancel: {
            self.cancel(statement)
        }
    }

    private func running<T>(_ statement: Int, _ work: () throws -> T) throws -> T {
        let starts = state.withLock { state in
            guard !state.isCancelled else { return false }
            state.isRunning = true
            return true
        }
        guard starts else { throw CancellationError() }
        defer { state.withLock { $0.isRunning = false } }
        do {
            return try work()
        } catch let error as PostgresError where error.sqlState == "57014" && state.withLock({ $0.sentFor == statement }) {
            // 57014 query_canceled: stopped by the request sent for this statement.
            throw CancellationError()
        }
    }

    private func cancel(_ statement: Int) {
        let sends = state.withLock { state in
            guard state.statement == statement else { return false }
            state.isCancelled = true
            guard state.isRunning else { return false }
            state.sentFor = statement
            return true
        }
        guard sends else { return }
        // PQcancel connects to the server and waits for it: never on the canceller's thread
        // (an event loop, a cooperative thread), nor on the pool's threads (all may be busy).
        let (key, logger) = (key, logger)
        DispatchQueue.global().async {
            // A request that reaches the server before the statement does is ignored there: sent
            // again while the statement still runs (the connection is not lent again, so a late one
            // stops nothing else). Failing (server unreachable), the statement runs on until the
            // statement timeout.
            for attempt in 0..<20 {
                if let failure = key.send() {
                    logger.notice("could not cancel a statement", metadata: ["reason": "\(failure)"])
                    return
                }
                usleep(attempt < 5 ? 200_000 : 1_000_000)
                guard self.state.withLock({ $0.statement == statement && $0.isRunning }) else { return }
            }
        }
    }
}

/// libpq's `PGcancel`: the server's address and the connection's secret key, usable from any
/// thread (`PQcancel` is thread-safe) and independent of the connection's own handle.
private final class CancelKey: @unchecked Sendable {
    let pointer: OpaquePointer?

    init(pointer: OpaquePointer?) { self.pointer = pointer }

    deinit { if let pointer { PQfreeCancel(pointer) } }

    /// Sends the request; libpq's reason when it could not.
    func send() -> String? {
        guard let pointer else { return "libpq gave no cancel key" }
        var message = [CChar](repeating: 0, count: 256)
        guard PQcancel(pointer, &message, Int32(message.count)) == 1 else {
            return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
