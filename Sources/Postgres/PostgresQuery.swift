/// A statement and its parameters. Built by string interpolation: every interpolated value
/// becomes a `$n` parameter with its type, so the SQL text never contains a value.
///
///     let rows = try await connection.query("SELECT id FROM trainee WHERE staff_number = \(number)")
///
/// The text and the parameters are kept apart (`texts[0] $1 texts[1] $2 …`) and numbered once,
/// when `sql` is read: combining queries never rewrites text, so a `$1` inside a string literal
/// or a dollar-quoted body stays as written.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text around the parameters: one more piece than there are parameters.
    private var texts: [String]
    public private(set) var bindings: PostgresBindings

    /// Trusted SQL text without parameters (constants, migrations). Never user input.
    public init(unsafeSQL sql: String) {
        self.texts = [sql]
        self.bindings = PostgresBindings()
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.query
    }

    /// The statement's text, its parameters numbered `$1`, `$2`… in order.
    public var sql: String {
        var text = texts[0]
        for (index, piece) in texts.dropFirst().enumerated() {
            text += "$\(index + 1)"
            text += piece
        }
        return text
    }

    /// The SQL text only: parameters are never printed.
    public var description: String { sql }

    /// Appends a fragment: its text after this one's, its parameters after this one's.
    public mutating func append(_ fragment: PostgresQuery) {
        texts[texts.count - 1] += fragment.texts[0]
        texts += fragment.texts.dropFirst()
        bindings.append(contentsOf: fragment.bindings)
    }

    mutating func appendText(_ text: String) {
        texts[texts.count - 1] += text
    }

    /// A parameter: its place in the text, its value in the bindings.
    mutating func appendParameter(_ bind: (inout PostgresBindings) -> Void) {
        bind(&bindings)
        texts.append("")
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var query = PostgresQuery(unsafeSQL: "")

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { query.appendText(literal) }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            query.appendParameter { $0.append(value) }
        }

        /// An optional value: NULL when nil, typed all the same.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            query.appendParameter { $0.append(value) }
        }

        /// A value sent without a type so the server infers it (enum columns).
        public mutating func appendInterpolation(untyped value: String?) {
            query.appendParameter { $0.append(text: value, type: .unknown) }
        }

        /// Trusted SQL text (identifiers, fragments built from constants). Never user input.
        public mutating func appendInterpolation(unescaped text: String) { query.appendText(text) }

        /// A query fragment, its parameters after those before it.
        public mutating func appendInterpolation(fragment: PostgresQuery) { query.append(fragment) }
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
