import Foundation
import KalanCertificates

/// The shared conformance data, read in place: `<repo root>/../shared/conformance`,
/// the repo root being three levels above this file (Tests/KalanCertificatesTests/ConformanceData.swift).
enum ConformanceData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KalanCertificatesTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/conformance", isDirectory: true)

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    static func json(_ relativePath: String) throws -> JSONValue {
        try JSONValue(parsing: try Data(contentsOf: url(relativePath)))
    }
}

/// Lowercase hex, to compare with the vectors' hex files.
func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// Bytes from hex text, ignoring whitespace.
func bytes(fromHex text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map {
        UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)!
    }
}
