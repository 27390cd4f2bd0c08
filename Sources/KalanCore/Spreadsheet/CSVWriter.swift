import Foundation

/// CSV that spreadsheets open safely: fields quoted when they need it, CRLF line ends, and a
/// leading = + - @ defused so that a cell is never run as a formula.
public enum CSVWriter {
    public static func field(_ value: String) -> String {
        var text = value
        if startsLikeAFormula(text), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A first character a spreadsheet may read as the start of a formula: = + - @, their
    /// full-width and small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣, which Excel takes as = + - @ in East Asian
    /// input), the minus sign, a tab or a carriage return, even after spaces or invisible characters.
    static func startsLikeAFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { $0 != " " && $0 != "\u{A0}" && !DisguisingCharacters.isDisguising($0) }) else {
            return false
        }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\u{2212}": return true
        case _ where first.isASCII: return false
        default:
            let compatible = String(first).precomposedStringWithCompatibilityMapping
            return compatible.unicodeScalars.first.map { "=+-@".unicodeScalars.contains($0) } ?? false
        }
    }

    /// `byteOrderMark` lets Excel read UTF-8 accents; `separator` `;` is what French Excel expects.
    public static func document(_ rows: [[String]], separator: String = ",", byteOrderMark: Bool = false) -> String {
        (byteOrderMark ? "\u{FEFF}" : "") + rows.map { $0.map(field).joined(separator: separator) }.joined(separator: "\r\n") + "\r\n"
    }
}
