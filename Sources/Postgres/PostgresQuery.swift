/// A statement and its parameters. Built by string interpolation: every interpolated value
/// becomes a `$n` parameter with its type, so the SQL text never contains a value.
///
///     let rows = try await connection.query("SELECT id FROM trainee WHERE staff_number = \(number)")
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    public var bindings: PostgresBindings

    public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.bindings = PostgresBindings()
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
    }

    /// The SQL text only: parameters are never printed.
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings: PostgresBindings

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings = PostgresBindings()
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// An optional value: NULL when nil, typed all the same.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// A value sent without a type so the server infers it (enum columns).
        public mutating func appendInterpolation(untyped value: String?) {
            bindings.append(text: value, type: .unknown)
            sql += "$\(bindings.count)"
        }

        /// Trusted SQL text (identifiers, fragments built from constants). Never user input.
        public mutating func appendInterpolation(unescaped text: String) { sql += text }

        /// A query fragment whose parameters are renumbered into this one.
        public mutating func appendInterpolation(fragment: PostgresQuery) {
            let offset = bindings.count
            sql += PostgresQuery.renumber(fragment.sql, by: offset)
            bindings.append(contentsOf: fragment.bindings)
        }
    }

    /// Appends a fragment, renumbering its parameters after this query's.
    public mutating func append(_ fragment: PostgresQuery) {
        sql += Self.renumber(fragment.sql, by: bindings.count)
        bindings.append(contentsOf: fragment.bindings)
    }

    static func renumber(_ sql: String, by offset: Int) -> String {
        guard offset > 0, sql.contains("$") else { return sql }
        var out = ""
        var scalars = sql.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let c = pending {
            pending = scalars.next()
            guard c == "$", let first = pending, first.properties.numericType != nil, first.isASCII else {
                out.unicodeScalars.append(c)
                continue
            }
            var digits = ""
            while let d = pending, d.isASCII, d.properties.numericType != nil {
                digits.unicodeScalars.append(d)
                pending = scalars.next()
            }
            out += "$\(Int(digits)! + offset)"
        }
        return out
    }
}

/// Parameters in text format with their type OIDs.
public struct PostgresBindings: Sendable {
    public private(set) var values: [String?] = []
    public private(set) var types: [PostgresType] = []

    public init() {}

    public var count: Int { values.count }

    public mutating func append<T: PostgresEncodable>(_ value: T) {
        values.append(value.postgresText)
        types.append(T.postgresType)
    }

    public mutating func append(text: String?, type: PostgresType) {
        values.append(text)
        types.append(type)
    }

    mutating func append(contentsOf other: PostgresBindings) {
        values += other.values
        types += other.types
    }
}
