import CQRencode
import Foundation

/// A QR code as an SVG image (error correction M, 8-bit, a 4-module quiet zone), one path of
/// black squares on white, for the pages that show a code to scan (a wallet offer).
public enum QRCodeSVG {
    /// The SVG text, `pixels` wide and high, with `label` as its accessible name; nil when the text
    /// is too long for a QR code.
    public static func svg(_ text: String, pixels: Int = 240, label: String) -> String? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let modules = Int(code.pointee.width), quiet = 4, side = modules + 2 * quiet
        var path = ""
        for row in 0..<modules {
            for column in 0..<modules where code.pointee.data[row * modules + column] & 1 == 1 {
                path += "M\(column + quiet) \(row + quiet)h1v1h-1z"
            }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(escaped)" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>
            """
    }
}
