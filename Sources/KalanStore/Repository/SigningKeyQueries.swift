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

    /// What the database records: its key, its public address, whether it holds demo data.
    public struct Record: Sendable, Equatable {
        public var keyID: String?
        public var publicURL: String?
        public var demo: Bool

        public init(keyID: String?, publicURL: String?, demo: Bool) {
            self.keyID = keyID
            self.publicURL = publicURL
            self.demo = demo
        }
    }

    public static func record(on pool: PostgresPool) async throws -> Record {
        try await mappingDriverErrors {
            try await pool.withConnection { connection in
                let key = try await connection.query("SELECT key_id FROM signing_key_in_use").first?.decode("key_id", as: String.self)
                let row = try await connection.query("SELECT public_url, demo FROM issuer_address").first
                return Record(keyID: key, publicURL: try row?.decode("public_url", as: String?.self), demo: try row?.decode("demo", as: Bool.self) ?? false)
            }
        }
    }

    /// Records `url` as the database's public address; with `replace`, over another one.
    public static func recordPublicURL(_ url: String, replace: Bool, on pool: PostgresPool) async throws {
        try await mappingDriverErrors {
            try await pool.withTransaction { connection in
                try await connection.query("INSERT INTO issuer_address (public_url) VALUES (\(url)) ON CONFLICT (singleton) DO NOTHING")
                if replace {
                    try await connection.query("UPDATE issuer_address SET public_url = \(url), since = now()")
                } else {
                    try await connection.query("UPDATE issuer_address SET public_url = \(url), since = now() WHERE public_url IS NULL")
                }
            }
        }
    }

    /// Marks the database as holding demo data (`kalan db seed --demo`): commands may then sign for
    /// the loopback address.
    public static func markDemo(on pool: PostgresPool) async throws {
        try await mappingDriverErrors {
            try await pool.withConnection { connection in
                try await connection.query("INSERT INTO issuer_address (demo) VALUES (true) ON CONFLICT (singleton) DO UPDATE SET demo = true")
            }
        }
    }
}
