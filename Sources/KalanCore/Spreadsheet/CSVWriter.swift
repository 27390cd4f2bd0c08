import Foundation

/// CSV that spreadsheets open safely: fields quoted when they need it, CRLF line ends, and a
/// leading = + - @ defused so that a cell is never run as a formula.
public enum CSVWriter {
    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `byteOrderMark` lets Excel read UTF-8 accents; `separator` `;` is what French Excel expects.
    public static func document(_ rows: [[String]], separator: String = ",", byteOrderMark: Bool = false) -> String {
        (byteOrderMark ? "\u{FEFF}" : "") + rows.map { $0.map(field).joined(separator: separator) }.joined(separator: "\r\n") + "\r\n"
    }
}
