import CLibPQ
import Foundation
import Logging
import NIOPosix

/// Where and how to connect: a `postgresql://` URL or a libpq `key=value` string.
public struct PostgresConfiguration: Sendable {
    public var url: String
    public var applicationName: String
    public var connectTimeoutSeconds: Int
    /// PostgreSQL's `statement_timeout` for every statement of the connection (one blocked on a
    /// lock included); nil: PostgreSQL's setting (none by default).
    public var statementTimeoutSeconds: Int?
    /// PostgreSQL's `lock_timeout`: how long a statement may wait for a lock before it is
    /// cancelled (SQLSTATE 55P03); nil: PostgreSQL's setting (none by default), 0: none.
    public var lockTimeoutSeconds: Int?

    public init(
        url: String, applicationName: String = "kalan", connectTimeoutSeconds: Int = 10, statementTimeoutSeconds: Int? = nil,
        lockTimeoutSeconds: Int? = nil
    ) {
        self.url = url
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.statementTimeoutSeconds = statementTimeoutSeconds
        self.lockTimeoutSeconds = lockTimeoutSeconds
    }

    /// The `options` connection parameter: settings every connection gets (UTC and ISO dates, so
    /// that text decoding is exact), then the timeouts asked for.
    var sessionOptions: String {
        var options = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3"
        if let statementTimeoutSeconds { options += " -c statement_timeout=\(max(0, statementTimeoutSeconds))s" }
        if let lockTimeoutSeconds { options += " -c lock_timeout=\(max(0, lockTimeoutSeconds))s" }
        return options
    }
}

/// One libpq connection. Used by one task at a time (the pool sees to it); every blocking libpq
/// call runs on a NIO thread pool, never on Swift's cooperative threads.
public final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let threadPool: NIOThreadPool
    private let canceller: StatementCanceller
    private var isClosed = false
    /// A ROLLBACK that failed leaves the session in a state nobody knows.
    private var rollbackFailed = false
    /// Statements prepared on this connection (PreparedStatements.swift).
    private var statements = PreparedStatements()
    public let logger: Logger

    private init(handle: OpaquePointer, threadPool: NIOThreadPool, logger: Logger) {
        self.handle = handle
        self.threadPool = threadPool
        self.canceller = StatementCanceller(connection: handle, logger: logger)
        self.logger = logger
    }

    /// A connection dropped without `close()` (a bug, or a task torn down) is finished here,
    /// inline: deinit cannot wait for the thread pool.
    deinit {
        if !isClosed { PQfinish(handle) }
    }

    public static func connect(
        _ configuration: PostgresConfiguration, threadPool: NIOThreadPool, logger: Logger
    ) async throws -> PostgresConnection {
        let handle = try await threadPool.runIfActive { ConnectionHandle(pointer: try Self.open(configuration)) }
        return PostgresConnection(handle: handle.pointer, threadPool: threadPool, logger: logger)
    }

    private static func open(_ configuration: PostgresConfiguration) throws -> OpaquePointer {
        let pairs: [(String, String)] = [
            ("dbname", configuration.url),
            ("client_encoding", "UTF8"),
            ("options", configuration.sessionOptions),
            ("application_name", configuration.applicationName),
            ("connect_timeout", String(configuration.connectTimeoutSeconds)),
        ]
        let keys = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keys.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                PQconnectdbParams(
                    UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: UnsafePointer<CChar>?.self),
                    UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UnsafePointer<CChar>?.self),
                    1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, reason: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PQerrorMessage(connection).map { String(cString: $0).trimmingTrailingNewlines() }
            PQfinish(connection)
            throw PostgresError(kind: .connection, serverMessage: message, reason: message ?? "could not connect")
        }
        return connection
    }

    /// Runs a statement with parameters and returns its rows. When the task is cancelled, the
    /// statement is cancelled on the server and this throws `CancellationError`; so do
    /// `run` and `copyIn`.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        logger.trace("query", metadata: ["sql": "\(query.sql)"])
        return try await canceller.run(on: threadPool) { try self.execute(query) }
    }

    /// Runs one or more statements without parameters (migrations, BEGIN/COMMIT).
    public func run(_ sql: String) async throws {
        try await canceller.run(on: threadPool) { try self.executeSimple(sql) }
    }

    /// Streams data into `COPY … FROM STDIN`. `produce` runs on the connection's thread and
    /// calls `write` with chunks in the COPY format named by the statement.
    @discardableResult
    public func copyIn(
        _ statement: String, produce: @escaping @Sendable (_ write: @escaping (ArraySlice<UInt8>) throws -> Void) throws -> Void
    ) async throws -> Int {
        try await canceller.run(on: threadPool) { try self.copyInBlocking(statement, produce: produce) }
    }

    /// True when libpq already knows the connection failed (or it was closed). Reads only the
    /// handle's state: no system call, safe anywhere.
    var hasFailed: Bool {
        isClosed || PQstatus(handle) != CONNECTION_OK
    }

    /// False when the connection must not be lent again: it failed, its ROLLBACK failed, it is
    /// still in a transaction (PQtransactionStatus not idle: a borrower's BEGIN left open), or a
    /// cancel request sent for one of its statements may still stop a later one. Reads libpq's
    /// state only: call it when no statement runs.
    var isReusable: Bool {
        !hasFailed && !rollbackFailed && PQtransactionStatus(handle) == PQTRANS_IDLE && !canceller.hasSentCancel
    }

    /// True when the server has gone away. Reads pending input (a system call), so it runs on
    /// the connection's thread pool like every other libpq call.
    public func isBroken() async -> Bool {
        if hasFailed { return true }
        return (try? await threadPool.runIfActive { self.readsEndOfStream() }) ?? true
    }

    private func readsEndOfStream() -> Bool {
        // Twice: the first read may return the server's goodbye message, the second its EOF.
        for _ in 0..<2 where PQconsumeInput(handle) == 0 { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// Closes the connection (PQfinish sends the server a goodbye, a socket write) on the thread
    /// pool; inline only when the pool has already shut down.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        let handle = ConnectionHandle(pointer: handle)
        do {
            try await threadPool.runIfActive { PQfinish(handle.pointer) }
        } catch {
            PQfinish(handle.pointer)
        }
    }

    // MARK: - Transactions

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T>(
        isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await run("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // After a cancel request the connection is closed, not lent again: the server rolls back.
            // Otherwise rolled back even when the task is cancelled (which refuses the statements it
            // would start): in a task of its own, which does not inherit the cancellation.
            if !canceller.hasSentCancel {
                let rolledBack = await Task {
                    guard await !self.isBroken() else { return true }  // closed by the pool: the server rolls back
                    do {
                        try await self.run("ROLLBACK")
                        return true
                    } catch {
                        self.logger.warning("ROLLBACK failed: the connection is closed", metadata: ["error": "\(error)"])
                        return false
                    }
                }.value
                if !rolledBack { rollbackFailed = true }
            }
            throw error
        }
        try await run("COMMIT")
        return value
    }

    // MARK: - Blocking libpq calls (thread pool only)

    private func execute(_ query: PostgresQuery) throws -> PostgresRows {
        let bindings = query.bindings
        for value in bindings.values where value?.utf8.contains(0) == true {
            throw PostgresError(kind: .client, reason: "a text value contains a NUL character, which PostgreSQL cannot store")
        }
        let values: [UnsafeMutablePointer<CChar>?] = bindings.values.map { $0.flatMap { strdup($0) } }
        defer { values.forEach { free($0) } }
        let types = bindings.types.map { Oid($0.rawValue) }
        let key = PreparedStatements.Key(sql: query.sql, types: types)
        if let (name, known) = statements.lookup(key) {
            do {
                return try executePrepared(key, name: name, known: known, values: values, types: types)
            } catch let error as PostgresError where error.sqlState == "0A000" || error.sqlState == "26000" {
                // The plan no longer fits the tables ("cached plan must not change result type"),
                // or the server no longer has the statement: forgotten, and run unnamed when no
                // transaction was under way (in one, the error stands: the transaction failed).
                if error.sqlState == "26000" { statements.forgetAll() } else { statements.forget(key) }
                guard PQtransactionStatus(handle) == PQTRANS_IDLE else { throw error }
            }
        }
        let result = values.withUnsafeBufferPointer { v in
            types.withUnsafeBufferPointer { t in
                PQexecParams(
                    handle, query.sql, Int32(bindings.count), t.baseAddress,
                    v.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) },
                    nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        return try read(result)
    }

    private func executePrepared(
        _ key: PreparedStatements.Key, name: String, known: Bool, values: [UnsafeMutablePointer<CChar>?], types: [Oid]
    ) throws -> PostgresRows {
        if !known {
            if statements.isFull {
                try executeSimple("DEALLOCATE ALL")
                statements.forgetAll()
            }
            let prepared = types.withUnsafeBufferPointer { PQprepare(handle, name, key.sql, Int32(types.count), $0.baseAddress) }
            defer { PQclear(prepared) }
            _ = try read(prepared)
            statements.prepared(key, as: name)
        }
        let result = values.withUnsafeBufferPointer { v in
            PQexecPrepared(
                handle, name, Int32(values.count), v.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) },
                nil, nil, 0)
        }
        defer { PQclear(result) }
        return try read(result)
    }

    private func executeSimple(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        _ = try read(result)
    }

    private func read(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else { throw PostgresError.from(result: nil, connection: handle) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            break
        default:
            throw PostgresError.from(result: result, connection: handle)
        }
        let fieldCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        var types: [PostgresType] = []
        for field in 0..<fieldCount {
            columns.append(String(cString: PQfname(result, Int32(field))))
            types.append(PostgresType(rawValue: UInt32(PQftype(result, Int32(field)))))
        }
        var cells: [[String?]] = []
        cells.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(fieldCount)
            for field in 0..<fieldCount {
                if PQgetisnull(result, Int32(row), Int32(field)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(field))))
                }
            }
            cells.append(values)
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresRows(columns: columns, types: types, cells: cells, affectedRows: affected)
    }

    private func copyInBlocking(
        _ statement: String, produce: (_ write: @escaping (ArraySlice<UInt8>) throws -> Void) throws -> Void
    ) throws -> Int {
        let start = PQexec(handle, statement)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            if status == PGRES_FATAL_ERROR { throw PostgresError.from(result: start, connection: handle) }
            throw PostgresError(kind: .client, reason: "statement did not start COPY FROM STDIN")
        }
        PQclear(start)
        do {
            try produce { chunk in
                let sent = chunk.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(self.handle, $0.baseAddress, Int32($0.count)) }
                }
                if sent != 1 { throw PostgresError.from(result: nil, connection: self.handle) }
            }
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.from(result: nil, connection: handle) }
        var failure: (any Error)?
        var affected = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
            } else if failure == nil {
                failure = PostgresError.from(result: result, connection: handle)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return affected
    }

    private func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}

/// A fresh libpq handle passed from the thread pool to its owner; used by one thread at a time.
private struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
