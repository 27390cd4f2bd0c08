/// Raised when a value cannot be written as JSON: NaN and ±Infinity have no JSON form.
public struct JSONWriteError: Error, Sendable, Equatable {
    public let value: Double
}

extension JSONValue {
    /// Compact JSON (no whitespace), members in their stored order, strings and numbers written
    /// as RFC 8785 does, so that parsing and writing back is lossless.
    public func serialized() throws(JSONWriteError) -> String {
        String(decoding: try serializedBytes(), as: UTF8.self)
    }

    public func serializedBytes() throws(JSONWriteError) -> [UInt8] {
        var writer = JSONWriter(sortKeys: false)
        try writer.write(self)
        return writer.output
    }
}

/// Writes compact JSON; with `sortKeys` it is the RFC 8785 serialisation.
struct JSONWriter {
    let sortKeys: Bool
    private(set) var output: [UInt8] = []

    init(sortKeys: Bool) {
        self.sortKeys = sortKeys
        output.reserveCapacity(1024)
    }

    mutating func write(_ value: JSONValue) throws(JSONWriteError) {
        switch value {
        case .null: output += Array("null".utf8)
        case let .bool(flag): output += Array((flag ? "true" : "false").utf8)
        case let .number(number):
            guard let text = ECMAScriptNumber.format(number) else { throw JSONWriteError(value: number) }
            output += Array(text.utf8)
        case let .string(text): writeString(text)
        case let .array(elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try write(element)
            }
            output.append(UInt8(ascii: "]"))
        case let .object(object):
            output.append(UInt8(ascii: "{"))
            // RFC 8785 §3.2.3: order by the UTF-16 code units of the keys, locale-independent.
            let members = sortKeys ? object.members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) } : object.members
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key)
                output.append(UInt8(ascii: ":"))
                try write(member.value)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// ECMAScript JSON.stringify escaping (RFC 8785 §3.2.2.2): only `"`, `\` and controls are escaped.
    mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)  // UTF-8 continuation and lead bytes pass through unchanged.
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// RFC 8785 JSON Canonicalization Scheme.
public enum JCS {
    /// The canonical UTF-8 bytes of `value`: sorted keys, no whitespace, ECMAScript numbers and escapes.
    /// Throws for NaN or ±Infinity, which RFC 8785 forbids.
    public static func canonicalize(_ value: JSONValue) throws(JSONWriteError) -> [UInt8] {
        var writer = JSONWriter(sortKeys: true)
        try writer.write(value)
        return writer.output
    }

    /// The canonical form as a String, for display and tests.
    public static func canonicalString(_ value: JSONValue) throws(JSONWriteError) -> String {
        String(decoding: try canonicalize(value), as: UTF8.self)
    }
}
