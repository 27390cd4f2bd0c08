import Foundation

/// Embeds a file in a finished PDF the PDF/A-3 way (an associated file): an `EmbeddedFile`
/// stream, its `Filespec` with `/AFRelationship`, listed in the catalogue's `/Names /EmbeddedFiles`
/// and `/AF`. Written as an incremental update (new objects, a new catalogue, an xref section and
/// a trailer pointing back with `/Prev`), so cairo's bytes stay untouched; cairo cannot attach files.
public enum PDFAttachment {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func embed(
        in pdf: Data, fileName: String, mimeType: String, contents: Data, description: String, relationship: String = "Source"
    ) throws -> Data {
        let bytes = [UInt8](pdf)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let startxrefRange = text.range(of: "startxref", options: .backwards),
            let previousXref = Int(text[startxrefRange.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
            let trailerRange = text.range(of: "trailer", options: .backwards)
        else { throw Failure(description: "no xref table and trailer (cairo writes both)") }
        let trailer = String(text[trailerRange.upperBound..<startxrefRange.lowerBound])
        guard let root = number(after: "/Root", in: trailer), let size = number(after: "/Size", in: trailer) else {
            throw Failure(description: "the trailer names no /Root or /Size")
        }
        guard let objectStart = text.range(of: "\n\(root) 0 obj"), let objectEnd = text.range(of: "endobj", range: objectStart.upperBound..<text.endIndex)
        else { throw Failure(description: "catalogue object \(root) not found") }
        var catalogue = String(text[objectStart.upperBound..<objectEnd.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard catalogue.hasPrefix("<<"), catalogue.hasSuffix(">>"), !catalogue.contains("/Names"), !catalogue.contains("/AF") else {
            throw Failure(description: "unexpected catalogue: \(catalogue.prefix(80))")
        }
        catalogue.removeLast(2)

        let fileObject = size, specObject = size + 1
        let name = literal(fileName)
        var out = bytes
        if out.last != 0x0A { out.append(0x0A) }
        var offsets: [(Int, Int)] = []

        func append(_ string: String) { out.append(contentsOf: Array(string.utf8)) }

        offsets.append((fileObject, out.count))
        append(
            "\(fileObject) 0 obj\n<< /Type /EmbeddedFile /Subtype /\(mimeType.replacingOccurrences(of: "/", with: "#2F").replacingOccurrences(of: "+", with: "#2B")) "
                + "/Params << /Size \(contents.count) >> /Length \(contents.count) >>\nstream\n")
        out.append(contentsOf: [UInt8](contents))
        append("\nendstream\nendobj\n")

        offsets.append((specObject, out.count))
        append(
            "\(specObject) 0 obj\n<< /Type /Filespec /F \(name) /UF \(name) /Desc \(literal(description)) /AFRelationship /\(relationship) "
                + "/EF << /F \(fileObject) 0 R /UF \(fileObject) 0 R >> >>\nendobj\n")

        offsets.append((root, out.count))
        append(
            "\(root) 0 obj\n\(catalogue) /Names << /EmbeddedFiles << /Names [\(name) \(specObject) 0 R] >> >> /AF [\(specObject) 0 R] >>\nendobj\n")

        let xref = out.count
        append("xref\n")
        for (object, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            let digits = String(offset)
            append("\(object) 1\n" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n\r\n")
        }
        var newTrailer = "<< /Size \(size + 2) /Root \(root) 0 R /Prev \(previousXref)"
        if let info = number(after: "/Info", in: trailer) { newTrailer += " /Info \(info) 0 R" }
        if let id = trailer.range(of: "/ID"), let close = trailer.range(of: "]", range: id.upperBound..<trailer.endIndex) {
            newTrailer += " " + trailer[id.lowerBound..<close.upperBound]
        }
        append("trailer\n\(newTrailer) >>\nstartxref\n\(xref)\n%%EOF\n")
        return Data(out)
    }

    /// The integer after `key` in a dictionary's text (`/Root 12 0 R` → 12).
    static func number(after key: String, in text: String) -> Int? {
        guard let range = text.range(of: key) else { return nil }
        return Int(text[range.upperBound...].split(whereSeparator: \.isWhitespace).first ?? "")
    }

    /// A PDF literal string of printable ASCII, with `(`, `)` and `\` escaped.
    static func literal(_ text: String) -> String {
        var out = "("
        for scalar in text.unicodeScalars {
            switch scalar {
            case "(", ")", "\\": out += "\\" + String(scalar)
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "?"
            }
        }
        return out + ")"
    }
}
