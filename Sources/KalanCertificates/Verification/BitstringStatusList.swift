import CompressNIO
import Foundation
import KalanCore
import NIOCore

/// The W3C Bitstring Status List v1.0 encoding: one bit a credential, index 0 the most
/// significant bit of the first byte; the bitstring GZIP-compressed, then multibase base64url
/// without padding ("u…").
public enum BitstringStatusList {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(setting indexes: [Int], size: Int = CertificateIssuing.statusListSize) throws -> String {
        var bits = [UInt8](repeating: 0, count: size / 8)
        for index in indexes where (0..<size).contains(index) { bits[index / 8] |= 0x80 >> UInt8(index % 8) }
        var plain = ByteBuffer(bytes: bits)
        let compressed = try plain.compress(with: .gzip())
        return "u"
            + Data(compressed.readableBytesView).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The bitstring of an `encodedList`.
    public static func decode(_ encodedList: String) throws -> [UInt8] {
        // A list of 131,072 entries compresses to a few KB; 4 MB of text is no status list.
        guard encodedList.utf8.count <= 4 << 20 else { throw Failure(description: "encodedList is longer than 4 MB") }
        guard encodedList.hasPrefix("u") else { throw Failure(description: "encodedList is not multibase base64url (u…)") }
        var base64 = String(encodedList.dropFirst()).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let compressed = Data(base64Encoded: base64) else { throw Failure(description: "encodedList is not base64url") }
        var buffer = ByteBuffer(bytes: compressed)
        do {
            return Array(try buffer.decompress(with: .gzip(), maxSize: 16 << 20).readableBytesView)
        } catch {
            throw Failure(description: "encodedList is not GZIP data")
        }
    }

    /// Whether bit `index` is set; nil when the list is too short for it.
    public static func isSet(_ bits: [UInt8], index: Int) -> Bool? {
        guard index >= 0, index / 8 < bits.count else { return nil }
        return bits[index / 8] & (0x80 >> UInt8(index % 8)) != 0
    }
}
