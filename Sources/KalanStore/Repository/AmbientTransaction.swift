import Postgres

/// The transaction an API write runs in when it carries an `Idempotency-Key`
/// (`PostgresIdempotencyStore.perform`): the key's claim, what the write stores and its answer
/// commit together or not at all, so that the answer a retry gets always matches what was
/// stored. The repository's transactions inside it are savepoints of it, on its connection.
enum AmbientTransaction {
    struct Current: Sendable {
        let pool: ObjectIdentifier
        let connection: PostgresConnection
    }

    @TaskLocal static var current: Current?

    /// The ambient transaction's connection when it is on this pool.
    static func connection(on pool: PostgresPool) -> PostgresConnection? {
        guard let current, current.pool == ObjectIdentifier(pool) else { return nil }
        return current.connection
    }

    /// `body` between a savepoint and its release: rolled back to the savepoint when it throws
    /// (the ambient transaction goes on), and run again after a deadlock or a serialization
    /// failure, as the repository's own transactions are.
    static func savepoint<T>(_ connection: PostgresConnection, maxAttempts: Int = 8, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            try await connection.run("SAVEPOINT kalan_step")
            do {
                let value = try await body(connection)
                try await connection.run("RELEASE SAVEPOINT kalan_step")
                return value
            } catch {
                if await !connection.isBroken() { try await connection.run("ROLLBACK TO SAVEPOINT kalan_step; RELEASE SAVEPOINT kalan_step") }
                if let failure = error as? PostgresError, failure.isRetryable, attempt < maxAttempts {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...min(250, 4 << min(attempt, 6)))))
                    attempt += 1
                    continue
                }
                throw error
            }
        }
    }
}
