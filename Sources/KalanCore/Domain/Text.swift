import Foundation

extension String {
    /// Trimmed and in Unicode NFC, as every name and title is stored. ASCII text (most staff
    /// numbers, codes and many names) is NFC already and only trimmed, without Foundation's
    /// round trip through UTF-16.
    public var normalisedText: String {
        let bytes = utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, blank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, blank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return start == bytes.startIndex && end == bytes.endIndex ? self : String(self[start..<end])
    }

    /// nil when empty after normalisation.
    public var nonEmptyNormalisedText: String? {
        let text = normalisedText
        return text.isEmpty ? nil : text
    }
}
