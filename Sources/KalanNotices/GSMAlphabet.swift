/// The SMS alphabets (3GPP TS 23.038): a text is sent in the GSM 7-bit default alphabet when every
/// character is in it (é, è, à, ù are; ê, ç, ï, « » are not), else in UCS-2, per message.
public enum SMSCoding: String, Sendable, Hashable {
    case gsm7, ucs2

    /// Characters in one message alone, and per part of a concatenated message (the 6-byte UDH
    /// takes 7 septets or 3 UCS-2 characters).
    public var single: Int { self == .gsm7 ? 160 : 70 }
    public var perPart: Int { self == .gsm7 ? 153 : 67 }
}

public enum GSMAlphabet {
    /// The default alphabet (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (an escape and the character: two septets each).
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    /// The septets `text` takes in the default alphabet, or nil when a character is not in it.
    public static func septets(_ text: String) -> Int? {
        var count = 0
        for character in text {
            if basic.contains(character) {
                count += 1
            } else if extended.contains(character) {
                count += 2
            } else {
                return nil
            }
        }
        return count
    }

    /// The alphabet `text` is sent in.
    public static func coding(for text: String) -> SMSCoding { septets(text) == nil ? .ucs2 : .gsm7 }

    /// The length that counts against the limits: septets, or UTF-16 code units in UCS-2.
    public static func length(_ text: String, coding: SMSCoding) -> Int {
        coding == .gsm7 ? (septets(text) ?? text.utf16.count) : text.utf16.count
    }

    /// How many messages `text` is sent as: 1 within 160 (GSM) or 70 (UCS-2), else parts of 153 or 67.
    public static func parts(_ text: String) -> Int {
        let coding = coding(for: text)
        let length = length(text, coding: coding)
        if length <= coding.single { return 1 }
        return (length + coding.perPart - 1) / coding.perPart
    }

    /// `text` cut (with an ellipsis when cut) to fit in `maxParts` messages of its alphabet: the gateway
    /// (Kannel's `max-messages`) would otherwise refuse or cut it anywhere.
    public static func fitted(_ text: String, maxParts: Int) -> String {
        if parts(text) <= maxParts { return text }
        // "…" is not in the GSM alphabet: three dots keep a GSM text in GSM.
        let ellipsis = coding(for: text) == .gsm7 ? "..." : "…"
        var cut = text
        while !cut.isEmpty, parts(cut + ellipsis) > maxParts { cut.removeLast() }
        return cut + ellipsis
    }
}
