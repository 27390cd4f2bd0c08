import Foundation

/// Reads `multipart/form-data` bodies (RFC 7578), as a browser sends a form with a file: each
/// part's field name and its bytes. Pages need no script for uploads this way.
struct MultipartForm {
    private var parts: [String: [UInt8]] = [:]

    /// Nil when the content type has no boundary or the body is not multipart.
    init?(body: [UInt8], contentType: String) {
        guard let boundary = Self.boundary(in: contentType) else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        let starts = Self.occurrences(of: delimiter, in: body)
        guard starts.count >= 2 else { return nil }
        for (start, end) in zip(starts, starts.dropFirst()) {
            var part = body[(start + delimiter.count)..<end]
            if part.starts(with: Self.crlf) { part = part.dropFirst(2) }
            if part.hasSuffix(Self.crlf) { part = part.dropLast(2) }
            guard let split = Self.occurrences(of: Self.crlf + Self.crlf, in: Array(part)).first else { continue }
            let head = String(decoding: part.prefix(split), as: UTF8.self)
            guard let name = Self.name(inHeaders: head) else { continue }
            parts[name] = Array(part.dropFirst(split + 4))
        }
    }

    subscript(name: String) -> [UInt8]? { parts[name] }

    /// A part as text, nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let bytes = parts[name], !bytes.isEmpty else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let crlf: [UInt8] = [13, 10]

    static func boundary(in contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }

    /// The `name` of a part's Content-Disposition header.
    static func name(inHeaders head: String) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "name" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        return nil
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) {
                found.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }
}

extension ArraySlice where Element == UInt8 {
    fileprivate func hasSuffix(_ suffix: [UInt8]) -> Bool { count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix) }
}
