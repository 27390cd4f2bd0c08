import CLibPQ

/// An error from PostgreSQL or from the client.
///
/// Its plain description names the SQLSTATE, the condition and the constraint, never a data
/// value: the server's message and detail (which may quote values) stay in their own fields.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The connection could not be made or was lost.
        case connection
        /// The server refused the statement.
        case server
        /// A value could not be decoded from a result.
        case decoding
        /// The client was used the wrong way (closed pool, wrong COPY state).
        case client
    }

    public var kind: Kind
    /// Five-character SQLSTATE code, e.g. `23505`.
    public var sqlState: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The server's primary message; may quote values, so it is not part of `description`.
    public var serverMessage: String?
    /// The server's detail line; may quote values, so it is not part of `description`.
    public var detail: String?
    /// A client-side explanation that quotes no data.
    public var reason: String?

    public init(
        kind: Kind, sqlState: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, serverMessage: String? = nil, detail: String? = nil, reason: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.table = table
        self.column = column
        self.serverMessage = serverMessage
        self.detail = detail
        self.reason = reason
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isExclusionViolation: Bool { sqlState == "23P01" }
    /// Serialization failure or deadlock: the transaction may succeed if run again.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The connection is gone (class 08, admin shutdown, or a client-side loss).
    /// The connection is gone or the server is going: a client error of libpq, SQLSTATE class 08,
    /// an administrator's or crash shutdown (57P01–57P03), or a failed query without SQLSTATE —
    /// every error the server sends has one, so libpq made it up when the socket closed mid-query.
    public var isConnectionLoss: Bool {
        kind == .connection || (sqlState?.hasPrefix("08") ?? false) || sqlState == "57P01"
            || sqlState == "57P02" || sqlState == "57P03" || (kind == .server && sqlState == nil)
    }

    public var description: String {
        var parts = ["PostgreSQL \(kind.rawValue) error"]
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let name = sqlState.flatMap(Self.conditionNames.get) { parts.append("(\(name))") }
        if let table { parts.append("table \(table)") }
        if let column { parts.append("column \(column)") }
        if let constraint { parts.append("constraint \(constraint)") }
        if let reason { parts.append("– \(reason)") }
        return parts.joined(separator: " ")
    }

    /// Names of the conditions Kalan reacts to; others show their code only.
    static let conditionNames: [String: String] = [
        "23505": "unique_violation", "23503": "foreign_key_violation", "23502": "not_null_violation",
        "23514": "check_violation", "23P01": "exclusion_violation", "40001": "serialization_failure",
        "40P01": "deadlock_detected", "22P02": "invalid_text_representation", "22001": "string_data_right_truncation",
        "22003": "numeric_value_out_of_range", "22007": "invalid_datetime_format", "22008": "datetime_field_overflow",
        "42P01": "undefined_table", "42703": "undefined_column", "42601": "syntax_error", "57P01": "admin_shutdown",
        "55P03": "lock_not_available", "P0001": "raise_exception", "3D000": "invalid_catalog_name",
        "42501": "insufficient_privilege", "25P02": "in_failed_sql_transaction",
    ]

    /// Reads the error fields of a failed result.
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let state = field(Int32(UInt8(ascii: "C")))
        let broken = connection.map { PQstatus($0) != CONNECTION_OK } ?? true
        var message = field(Int32(UInt8(ascii: "M")))
        if message == nil, let connection, let text = PQerrorMessage(connection) {
            message = String(cString: text).trimmingTrailingNewlines()
        }
        return PostgresError(
            kind: state == nil && broken ? .connection : .server,
            sqlState: state,
            constraint: field(Int32(UInt8(ascii: "n"))),
            table: field(Int32(UInt8(ascii: "t"))),
            column: field(Int32(UInt8(ascii: "c"))),
            serverMessage: message,
            detail: field(Int32(UInt8(ascii: "D")))
        )
    }
}

extension Dictionary {
    fileprivate func get(_ key: Key) -> Value? { self[key] }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return text
    }
}
