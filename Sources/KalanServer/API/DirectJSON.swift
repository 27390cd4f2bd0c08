import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Large answers written straight to JSON bytes (issue 29): Foundation's `JSONEncoder` took 60 % of
/// `statistics/cohorts?by=session` (5,000 groups, 2 MB) and 15 % of a 256-line roster. The generated
/// handler still parses and checks the request; the operation's handler, finding a `DirectJSON.slot`,
/// writes its answer there and returns a placeholder that `DirectJSONMiddleware` replaces. The
/// generated types remain the contract: a test compares both encodings of the same answers.
enum DirectJSON {
    @TaskLocal static var slot: Slot?

    /// Where a handler leaves the bytes of its answer.
    final class Slot: @unchecked Sendable {
        var bytes: [UInt8]?
    }

    /// The operations whose handlers write their own JSON.
    static let operations: Set<String> = ["getRoster", "getCohortStatistics"]

    /// Writes the answer with `write` when a slot waits for it, and returns true; false otherwise
    /// (the caller then returns the generated value).
    static func answer(_ write: (inout Writer) -> Void) -> Bool {
        guard let slot else { return false }
        var writer = Writer()
        write(&writer)
        slot.bytes = writer.bytes
        return true
    }

    /// Compact JSON, in the order written; absent optionals are left out, as `JSONEncoder` does.
    struct Writer {
        var bytes: [UInt8] = []
        private var needsComma = false

        init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

        mutating func object(_ body: (inout Writer) -> Void) {
            separate()
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
            body(&self)
            bytes.append(UInt8(ascii: "}"))
            needsComma = true
        }

        mutating func array<S: Sequence>(_ elements: S, _ element: (inout Writer, S.Element) -> Void) {
            separate()
            bytes.append(UInt8(ascii: "["))
            needsComma = false
            for e in elements { element(&self, e) }
            bytes.append(UInt8(ascii: "]"))
            needsComma = true
        }

        /// A member's name; its value follows.
        mutating func key(_ name: StaticString) {
            separate()
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            needsComma = false
        }

        mutating func member(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            string(value)
        }

        mutating func member(_ name: StaticString, _ value: Int?) {
            guard let value else { return }
            key(name)
            number(value)
        }

        mutating func member(_ name: StaticString, _ value: Double?) {
            guard let value, value.isFinite else { return }
            key(name)
            // "1" rather than "1.0", as JSONEncoder writes it.
            if value == value.rounded(), abs(value) < 1e15 { bytes.append(contentsOf: String(Int64(value)).utf8) } else { bytes.append(contentsOf: "\(value)".utf8) }
            needsComma = true
        }

        mutating func member(_ name: StaticString, _ value: [String]) {
            key(name)
            array(value) { $0.string($1) }
        }

        mutating func number(_ value: Int) {
            separate()
            bytes.append(contentsOf: String(value).utf8)
            needsComma = true
        }

        mutating func string(_ value: String) {
            separate()
            bytes.append(UInt8(ascii: "\""))
            for c in value.utf8 {
                switch c {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(c >> 4)], hex[Int(c & 15)]])
                default: bytes.append(c)
                }
            }
            bytes.append(UInt8(ascii: "\""))
            needsComma = true
        }

        private mutating func separate() {
            if needsComma { bytes.append(UInt8(ascii: ",")) }
        }
    }
}

/// Sends the bytes a handler wrote into `DirectJSON.slot` instead of its placeholder; innermost of
/// the API's middlewares, so that every other one (authentication, problems) sees the real answer.
struct DirectJSONMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPTypes.HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPTypes.HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPTypes.HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPTypes.HTTPResponse, HTTPBody?) {
        guard DirectJSON.operations.contains(operationID) else { return try await next(request, body, metadata) }
        let slot = DirectJSON.Slot()
        var (response, placeholder) = try await DirectJSON.$slot.withValue(slot) { try await next(request, body, metadata) }
        guard let bytes = slot.bytes, response.status == .ok else { return (response, placeholder) }
        // The placeholder's length was set by the generated code: the answer's own replaces it
        // (else the connection sends the placeholder's few hundred bytes of the answer).
        response.headerFields[.contentLength] = String(bytes.count)
        return (response, HTTPBody(bytes))
    }
}
