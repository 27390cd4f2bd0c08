import Hummingbird

/// Reads `application/x-www-form-urlencoded` bodies with Hummingbird's `URLEncodedFormDecoder`.
/// A body it cannot read (a broken escape, a key given twice, a nested key) gives an empty form,
/// which the pages answer as a stale one: a field is never silently taken from half a body.
/// Pages read what a form sent as a `Decodable` struct (`decode(_:)`, `PageRequest.form(as:)`);
/// the raw fields stay for showing a refused form again and for replaying it after a new login.
struct URLEncodedForm {
    private var values: [String: String] = [:]

    init(_ text: String) {
        values = (try? URLEncodedFormDecoder().decode([String: String].self, from: text)) ?? [:]
    }

    subscript(key: String) -> String? { values[key] }

    /// Every field, by name.
    var all: [(name: String, value: String)] { values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
