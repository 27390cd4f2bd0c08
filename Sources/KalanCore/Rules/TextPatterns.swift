/// The shapes of codes, staff numbers and contact fields, checked byte by byte. Swift's `Regex`
/// costs tens of microseconds per match (and more to compile), which made a 100,000-line import
/// spend most of its time matching. The database checks the same shapes (sql/0001_domain.sql).
public enum TextPattern {
    static func isUpperOrDigit(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
    static func isLowerOrDigit(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    static func isLetterOrDigit(_ b: UInt8) -> Bool { isUpperOrDigit(b) || (b >= 97 && b <= 122) }

    /// `^[A-Z0-9][A-Z0-9_-]{0,max-1}$`: department, partner, programme, course and session codes.
    public static func isCode(_ text: String, maxLength: Int = 32) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= maxLength, isUpperOrDigit(first) else { return false }
        return bytes.dropFirst().allSatisfy { isUpperOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// `^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$`.
    public static func isStaffNumber(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= FieldLimits.staffNumber, isLetterOrDigit(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLetterOrDigit($0) || "./_-".utf8.contains($0) }
    }

    /// `^[A-Z][0-9]?$`: civil-service category (A, B1, B2, C…).
    public static func isCategory(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard (1...2).contains(b.count), b[0] >= 65, b[0] <= 90 else { return false }
        return b.count == 1 || (b[1] >= 48 && b[1] <= 57)
    }

    /// `^[A-Z]{2}$`: ISO 3166-1 alpha-2.
    public static func isCountry(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 2 && b.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// `^[a-z0-9_]{2,32}$`: a course domain.
    public static func isDomain(_ text: String) -> Bool {
        let bytes = text.utf8
        return (2...32).contains(bytes.count) && bytes.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// `^[a-z0-9][a-z0-9._-]{1,63}$`: a username.
    public static func isUsername(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, (2...64).contains(bytes.count), isLowerOrDigit(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLowerOrDigit($0) || "._-".utf8.contains($0) }
    }

    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`: one @, no spaces, a dot inside the domain.
    public static func isEmail(_ text: String) -> Bool {
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        guard ascii ? !text.utf8.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }) : !text.contains(where: \.isWhitespace) else {
            return false
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = Array(parts[1].utf8)
        guard domain.count >= 3 else { return false }
        return domain[1..<(domain.count - 1)].contains(UInt8(ascii: "."))
    }

    /// `^\+?[0-9 ().-]{6,24}$`.
    public static func isPhone(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        guard bytes.count <= FieldLimits.phone else { return false }
        if bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return bytes.count >= 6 && bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || " ().-".utf8.contains($0) }
    }
}
