/// Characters that change how text is displayed without being seen: every default-ignorable
/// code point (Unicode's `Default_Ignorable_Code_Point`: soft hyphen, Hangul fillers, invisible
/// operators, variation selectors, tag characters…) and every format character (category `Cf`:
/// bidirectional overrides, isolates and marks, zero-width spaces). A name holding one can read
/// as another name on a certificate ("…\u{202E}…"), or hide that two names differ, so names,
/// positions and other text refuse them.
///
/// The zero-width joiner and non-joiner (U+200D, U+200C) stay allowed where a script needs them
/// (Persian writes names with the non-joiner, Indic scripts use both after a virama): between
/// two letters or marks, one of them not ASCII. Anywhere else they only hide.
public enum DisguisingCharacters {
    public static func contains(_ text: some StringProtocol) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        var previous: Unicode.Scalar?
        var pendingJoiner = false
        for scalar in text.unicodeScalars {
            if isDisguising(scalar) { return true }
            if isJoiner(scalar) {
                guard !pendingJoiner, let previous, joins(previous) else { return true }
                pendingJoiner = true
            } else {
                if pendingJoiner {
                    guard joins(scalar), let previous, !(previous.isASCII && scalar.isASCII) else { return true }
                    pendingJoiner = false
                }
                previous = scalar
            }
        }
        return pendingJoiner
    }

    /// A default-ignorable or format character, but the two joiners (judged in context by `contains`).
    public static func isDisguising(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0xA0, !isJoiner(scalar) else { return false }
        let properties = scalar.properties
        return properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format
    }

    static func isJoiner(_ scalar: Unicode.Scalar) -> Bool { scalar.value == 0x200C || scalar.value == 0x200D }

    /// A letter or a combining mark: what a joiner may stand beside.
    static func joins(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark: return true
        default: return properties.isAlphabetic
        }
    }
}
