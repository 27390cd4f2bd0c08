import Foundation

extension String {
    /// Trimmed and in Unicode NFC, as every name and title is stored.
    public var normalisedText: String {
        trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    /// nil when empty after normalisation.
    public var nonEmptyNormalisedText: String? {
        let text = normalisedText
        return text.isEmpty ? nil : text
    }
}
