import Foundation

/// Reads `application/x-www-form-urlencoded` bodies.
struct URLEncodedForm {
    private var values: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            func decode(_ s: String) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = parts.first { values[decode(key)] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }

    subscript(key: String) -> String? { values[key] }

    /// Every field, by name.
    var all: [(name: String, value: String)] { values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
