import KalanCore
import Postgres

/// The signing key that every server of one database uses (`signing_key_in_use`).
public enum SigningKeyInUse {
    public enum Outcome: Sendable, Equatable {
        /// This key is the database's key (recorded now if there was none).
        case same
        /// The database's servers sign with another key: this one must not start.
        case other(keyID: String)
        /// Rotation asked: this key replaced `previous`.
        case replaced(previous: String)
    }

    /// Records `keyID` as the database's key when it has none; compares otherwise; replaces it
    /// when `rotate` is true.
    public static func claim(_ keyID: String, rotate: Bool, on pool: PostgresPool) async throws -> Outcome {
        try await mappingDriverErrors {
            try await pool.withTransaction { connection in
                try await connection.query("INSERT INTO signing_key_in_use (key_id) VALUES (\(keyID)) ON CONFLICT (singleton) DO NOTHING")
                let current = try await connection.query("SELECT key_id FROM signing_key_in_use FOR UPDATE").first?.decode("key_id", as: String.self)
                guard let current, current != keyID else { return .same }
                guard rotate else { return .other(keyID: current) }
                try await connection.query("UPDATE signing_key_in_use SET key_id = \(keyID), since = now()")
                return .replaced(previous: current)
            }
        }
    }
}
