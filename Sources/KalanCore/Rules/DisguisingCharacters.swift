/// Characters that change how text is displayed without being seen: bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), direction marks (U+200E, U+200F, U+061C), and
/// zero-width spaces and joiners that only hide (U+200B, U+2060, U+FEFF). A name holding one can
/// read as another name on a certificate ("…\u{202E}…"), so names and other text refuse them.
/// The zero-width joiner and non-joiner (U+200D, U+200C) stay allowed: Persian and other scripts
/// write names with them.
public enum DisguisingCharacters {
    public static func contains(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { isDisguising($0) }
    }

    public static func isDisguising(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x200B, 0x2060, 0xFEFF: true
        default: false
        }
    }
}
