import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address or range (`10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`): what
/// `KALAN_TRUSTED_PROXIES` lists. Parsed with `inet_pton`, compared bit by bit.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefixLength: Int
    public let description: String

    /// nil when `text` is not an address or a range.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let bytes = Self.bytes(of: String(first)) else { return nil }
        var prefix = bytes.count * 8
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...prefix).contains(given), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefix = given
        }
        self.bytes = bytes
        self.prefixLength = prefix
        self.description = trimmed
    }

    /// True when `address` (an IP address as a socket or a header gives it) lies in the range.
    /// An IPv4-mapped IPv6 address (`::ffff:10.0.0.5`) is compared as the IPv4 address it maps.
    public func contains(_ address: String) -> Bool {
        guard var other = Self.bytes(of: address) else { return false }
        if other.count == 16, bytes.count == 4, other[0..<10].allSatisfy({ $0 == 0 }), other[10] == 0xff, other[11] == 0xff {
            other = Array(other[12...])
        }
        guard other.count == bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(bytes, other) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6 (brackets and a zone id dropped).
    static func bytes(of text: String) -> [UInt8]? {
        var address = text.trimmingCharacters(in: .whitespaces)
        if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        if let zone = address.firstIndex(of: "%") { address = String(address[..<zone]) }
        guard !address.isEmpty, address.utf8.count <= 64 else { return nil }
        if address.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, address, &storage) == 1 else { return nil }
            return withUnsafeBytes(of: &storage) { Array($0) }
        }
        var storage = in_addr()
        guard inet_pton(AF_INET, address, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    /// A comma- or space-separated list; nil names the first entry that is not an address or range.
    public static func list(_ text: String) -> Result<[AddressRange], InvalidEntry> {
        var ranges: [AddressRange] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) where !entry.isEmpty {
            guard let range = AddressRange(String(entry)) else { return .failure(InvalidEntry(entry: String(entry))) }
            ranges.append(range)
        }
        return .success(ranges)
    }

    public struct InvalidEntry: Error, Sendable {
        public let entry: String
    }
}
