import DequeModule
import Logging
import NIOPosix
import ServiceLifecycle

/// A fixed-size pool of connections. It is a `Service`: run it in a service group and it closes
/// its connections on graceful shutdown. Each connection gets its own thread in the pool's
/// thread pool, so blocking libpq calls (connect, queries, health reads, PQfinish) never queue
/// behind one another and never run on Swift's cooperative threads or on the pool's actor.
public final class PostgresPool: Service, Sendable {
    public let configuration: PostgresConfiguration
    public let maxConnections: Int
    public let logger: Logger
    private let threadPool: NIOThreadPool
    private let state: PoolState

    public init(
        configuration: PostgresConfiguration, maxConnections: Int = 10, acquireTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "kalan.postgres")
    ) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maxConnections = maxConnections
        self.logger = logger
        let threadPool = NIOThreadPool(numberOfThreads: maxConnections)
        threadPool.start()
        self.threadPool = threadPool
        self.state = PoolState(
            maxConnections: maxConnections, acquireTimeout: acquireTimeout,
            connect: { try await PostgresConnection.connect(configuration, threadPool: threadPool, logger: logger) })
    }

    /// Waits for graceful shutdown, then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    public func close() async {
        for connection in await state.close() { await connection.close() }
        try? await threadPool.shutdownGracefully()
    }

    /// Lends a connection to `body` and always takes it back; broken ones are replaced. Waiting
    /// for a free connection ends early when the task is cancelled.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let value = try await body(connection)
            await giveBack(connection)
            return value
        } catch {
            await giveBack(connection)
            throw error
        }
    }

    /// A connection from the pool. An idle one is checked (a read on the thread pool, not on the
    /// pool's actor) and replaced when the server dropped it.
    private func lease() async throws -> PostgresConnection {
        while true {
            let (connection, isNew) = try await state.acquire()
            if isNew { return connection }
            if await !connection.isBroken() { return connection }
            await connection.close()
            await state.discard()
        }
    }

    private func giveBack(_ connection: PostgresConnection) async {
        if !connection.isReusable {
            await connection.close()
            await state.discard()
        } else if let unwanted = await state.release(connection) {
            await unwanted.close()
        }
    }

    /// A transaction on a pooled connection: committed when `body` returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T>(
        isolation: PostgresConnection.IsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { try await $0.withTransaction(isolation: isolation, body) }
    }

    /// Runs the transaction again when PostgreSQL reports a serialization failure or deadlock.
    @discardableResult
    public func withRetryingTransaction<T>(
        isolation: PostgresConnection.IsolationLevel = .readCommitted, maxAttempts: Int = 8,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withTransaction(isolation: isolation, body)
            } catch let error as PostgresError where error.isRetryable && attempt < maxAttempts {
                logger.debug("retrying transaction", metadata: ["sqlstate": "\(error.sqlState ?? "")", "attempt": "\(attempt)"])
                // Exponential backoff with full jitter: rivals for the same rows spread out instead
                // of colliding again in lockstep.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...min(250, 4 << min(attempt, 6)))))
                attempt += 1
            }
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    public struct Usage: Sendable {
        public var open: Int
        public var inUse: Int
        public var waiting: Int
    }

    public func usage() async -> Usage { await state.usage() }
}

actor PoolState {
    typealias Waiter = CheckedContinuation<PostgresConnection, any Error>

    private let maxConnections: Int
    private let acquireTimeout: Duration
    private let connect: @Sendable () async throws -> PostgresConnection
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiters: Deque<(id: Int, continuation: Waiter)> = []
    private var nextWaiterID = 0
    private var isClosed = false

    init(
        maxConnections: Int, acquireTimeout: Duration,
        connect: @escaping @Sendable () async throws -> PostgresConnection
    ) {
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.connect = connect
    }

    func usage() -> PostgresPool.Usage {
        .init(open: open, inUse: open - idle.count, waiting: waiters.count)
    }

    /// An idle connection (isNew false: the caller checks it), a new one, or the next one given
    /// back. The actor never runs libpq: connecting runs on the thread pool, and checking and
    /// closing are left to the caller.
    func acquire() async throws -> (PostgresConnection, isNew: Bool) {
        guard !isClosed else { throw PostgresError(kind: .client, reason: "the pool is closed") }
        try Task.checkCancellation()
        if let connection = idle.popLast() { return (connection, false) }
        if open < maxConnections {
            open += 1
            do {
                return (try await connect(), true)
            } catch {
                open -= 1
                throw error
            }
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.expire(waiter: id, with: PostgresError(kind: .connection, reason: "no database connection became free in time"))
        }
        defer { timer.cancel() }
        let connection = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { waiters.append((id, $0)) }
        } onCancel: {
            Task { await self.expire(waiter: id, with: CancellationError()) }
        }
        return (connection, true)
    }

    private func expire(waiter id: Int, with error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }

    /// Takes a healthy connection back: to the first waiter, else to the idle list. Returns it
    /// when the pool is closed, for the caller to close.
    func release(_ connection: PostgresConnection) -> PostgresConnection? {
        if isClosed {
            open -= 1
            return connection
        }
        if let waiter = waiters.popFirst() {
            waiter.continuation.resume(returning: connection)
        } else {
            idle.append(connection)
        }
        return nil
    }

    /// Forgets a connection the caller closed; a waiter gets a new one in its place.
    func discard() {
        open -= 1
        if !isClosed, let waiter = waiters.popFirst() {
            open += 1
            Task { await self.replace(for: waiter.continuation) }
        }
    }

    private func replace(for waiter: Waiter) async {
        do {
            waiter.resume(returning: try await connect())
        } catch {
            open -= 1
            waiter.resume(throwing: error)
        }
    }

    /// Closes the pool; returns the idle connections for the caller to close off the actor.
    func close() -> [PostgresConnection] {
        isClosed = true
        let closing = idle
        open -= idle.count
        idle.removeAll()
        while let waiter = waiters.popFirst() {
            waiter.continuation.resume(throwing: PostgresError(kind: .client, reason: "the pool is closed"))
        }
        return closing
    }
}
