import Foundation
import Hummingbird

/// The query of a page's address as a browser's GET form writes it: a space becomes `+`, and the
/// rest is percent-encoded. Hummingbird's `queryParameters` only undoes the percent-encoding, so
/// that `?search=Moussa+Sylla` read "Moussa+Sylla" and found nobody.
struct FormQuery: Sequence {
    var items: [(key: String, value: String)]

    init(_ query: String?) {
        items = (query ?? "").split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// `+` is a space; a broken escape leaves the text as it came (with its spaces).
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value given for `key`.
    func get(_ key: String) -> String? { items.first { $0.key == key }?.value }

    func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { items.makeIterator() }
}

extension Request {
    /// The address's query decoded as a form (see `FormQuery`).
    var formQuery: FormQuery { FormQuery(uri.query) }
}
