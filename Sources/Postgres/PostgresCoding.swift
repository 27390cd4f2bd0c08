import Foundation

/// A Swift value that can be sent as a query parameter (in text format, with its type OID).
public protocol PostgresEncodable: Sendable {
    static var postgresType: PostgresType { get }
    /// The text form of the value, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a result column (text format).
public protocol PostgresDecodable {
    /// Decodes a non-NULL value.
    init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure)
    /// The value for SQL NULL; nil when NULL is not acceptable.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

/// Why a value did not decode; row decoding adds the column name.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresType { Wrapped.postgresType }
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        self = try Wrapped(postgresText: text, type: type)
    }
    public static var postgresNull: Self? { .some(nil) }
}

extension String: PostgresCodable {
    public static var postgresType: PostgresType { .text }
    public var postgresText: String? { self }
    public init(postgresText text: String, type: PostgresType) { self = text }
}

extension Bool: PostgresCodable {
    public static var postgresType: PostgresType { .bool }
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresDecodingFailure("not a boolean")
        }
    }
}

/// Integers decode from any integer column whose value fits.
public protocol PostgresInteger: FixedWidthInteger, PostgresCodable {}

extension PostgresInteger {
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let value = Self(text) else { throw PostgresDecodingFailure("not an integer of this width") }
        self = value
    }
}

extension Int: PostgresInteger { public static var postgresType: PostgresType { .int8 } }
extension Int64: PostgresInteger { public static var postgresType: PostgresType { .int8 } }
extension Int32: PostgresInteger { public static var postgresType: PostgresType { .int4 } }
extension Int16: PostgresInteger { public static var postgresType: PostgresType { .int2 } }

extension Double: PostgresCodable {
    public static var postgresType: PostgresType { .float8 }
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw PostgresDecodingFailure("not a number") }
            self = value
        }
    }
}

extension UUID: PostgresCodable {
    public static var postgresType: PostgresType { .uuid }
    public var postgresText: String? { uuidString.lowercased() }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let value = UUID(postgresHex: text) else { throw PostgresDecodingFailure("not a UUID") }
        self = value
    }

    /// PostgreSQL's output, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in either case, read by hand:
    /// Foundation's `UUID(uuidString:)` goes through `sscanf`, which was a sixth of the roster's
    /// time over the API (issue 29).
    init?(postgresHex text: String) {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = text.utf8.withContiguousStorageIfAvailable { chars -> Bool in
            guard chars.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var c = 0
                for i in 0..<16 {
                    if c == 8 || c == 13 || c == 18 || c == 23 {
                        guard chars[c] == UInt8(ascii: "-") else { return false }
                        c += 1
                    }
                    guard let high = hexNibble(chars[c]), let low = hexNibble(chars[c + 1]) else { return false }
                    out[i] = high << 4 | low
                    c += 2
                }
                return true
            }
        }
        switch parsed {
        case true?: self = UUID(uuid: bytes)
        case false?: return nil
        case nil: self.init(uuidString: text)
        }
    }
}

extension Data: PostgresCodable {
    public static var postgresType: PostgresType { .bytea }
    public var postgresText: String? {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 2 + count * 2)
        bytes[0] = UInt8(ascii: "\\")
        bytes[1] = UInt8(ascii: "x")
        for (index, byte) in enumerated() {
            bytes[2 + index * 2] = digits[Int(byte >> 4)]
            bytes[3 + index * 2] = digits[Int(byte & 0x0f)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    /// Decoded in one pass into a buffer of the final size: appending byte by byte to `Data` made
    /// reading the cohort index's 20 MB image take over a second (issue 29).
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        var text = text
        let decoded = text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
            let n = (utf8.count - 2) / 2
            var valid = true
            let bytes = [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
                for j in 0..<n {
                    guard let high = hexNibble(utf8[2 + 2 * j]), let low = hexNibble(utf8[3 + 2 * j]) else {
                        valid = false
                        break
                    }
                    buffer[j] = high << 4 | low
                    count = j + 1
                }
            }
            return valid ? bytes : nil
        }
        guard let decoded else { throw PostgresDecodingFailure("not a hex bytea") }
        self = Data(decoded)
    }
}

/// The value of one hexadecimal digit, in either case.
@inline(__always)
func hexNibble(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// A `jsonb` value, kept as its JSON text.
public struct PostgresJSON: PostgresCodable, Hashable {
    public var text: String
    public init(text: String) { self.text = text }
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
    public static var postgresType: PostgresType { .jsonb }
    public var postgresText: String? { text }
    public init(postgresText text: String, type: PostgresType) { self.text = text }
}
