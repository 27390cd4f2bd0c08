import Foundation

/// An element type that has a one-dimensional PostgreSQL array type.
public protocol PostgresArrayElement: PostgresCodable {
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement { public static var postgresArrayType: PostgresType { .textArray } }
extension UUID: PostgresArrayElement { public static var postgresArrayType: PostgresType { .uuidArray } }
extension Int: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int8Array } }
extension Int64: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int8Array } }
extension Int32: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int4Array } }

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public var postgresText: String? {
        var out = "{"
        for (i, element) in enumerated() {
            if i > 0 { out += "," }
            guard let text = element.postgresText else {
                out += "NULL"
                continue
            }
            out += "\""
            for scalar in text.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        self = try PostgresArrayLiteral.elements(of: text).map { (item) throws(PostgresDecodingFailure) in
            guard let item else { throw PostgresDecodingFailure("array holds NULL") }
            return try Element(postgresText: item, type: .unknown)
        }
    }
}

/// Splits a one-dimensional array literal such as `{a,"b c",NULL}` into its elements.
enum PostgresArrayLiteral {
    static func elements(of text: String) throws(PostgresDecodingFailure) -> [String?] {
        var scalars = Substring(text).unicodeScalars[...]
        // Arrays with explicit bounds start with "[1:3]=".
        if scalars.first == "[", let eq = scalars.firstIndex(of: "=") { scalars = scalars[scalars.index(after: eq)...] }
        guard scalars.first == "{", scalars.last == "}" else { throw PostgresDecodingFailure("not an array literal") }
        scalars = scalars.dropFirst().dropLast()
        var result: [String?] = []
        if scalars.isEmpty { return result }
        var iterator = scalars.makeIterator()
        var current = String.UnicodeScalarView()
        var quoted = false
        var wasQuoted = false
        var escaping = false
        func finish() {
            let value = String(current)
            result.append(!wasQuoted && value.uppercased() == "NULL" ? nil : value)
            current = String.UnicodeScalarView()
            wasQuoted = false
        }
        while let c = iterator.next() {
            if escaping {
                current.append(c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else if c == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if c == "," && !quoted {
                finish()
            } else if c == "{" && !quoted {
                throw PostgresDecodingFailure("multi-dimensional arrays are not supported")
            } else {
                current.append(c)
            }
        }
        guard !quoted, !escaping else { throw PostgresDecodingFailure("unterminated array literal") }
        finish()
        return result
    }
}
