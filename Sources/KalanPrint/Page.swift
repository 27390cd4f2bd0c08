import CCairo
import CQRencode
import Foundation

/// Drawing helpers over one cairo context: text placed, centred, shrunk or wrapped to fit. Shared by every
/// printed document (certificates, sign-in sheets, letters).
///
/// cairo, fontconfig and libqrencode are not thread-safe, so every rendering in the process holds `Page.lock`.
public struct Page {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The one lock every cairo or libqrencode rendering in the process goes through.
    public static let lock = NSLock()

    public let cr: OpaquePointer
    public let family: String

    public init(cr: OpaquePointer, family: String) {
        self.cr = cr
        self.family = family
    }

    public func font(size: Double, bold: Bool, italic: Bool) {
        cairo_select_font_face(cr, family, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    public func width(_ text: String, size: Double, bold: Bool = false, italic: Bool = false) -> Double {
        font(size: size, bold: bold, italic: italic)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return extents.x_advance
    }

    public func text(
        _ text: String, size: Double, bold: Bool = false, italic: Bool = false, x: Double? = nil, centreX: Double? = nil, y: Double,
        colour: (Double, Double, Double)
    ) {
        let left = centreX.map { $0 - width(text, size: size, bold: bold, italic: italic) / 2 } ?? x ?? 0
        font(size: size, bold: bold, italic: italic)
        cairo_set_source_rgb(cr, colour.0, colour.1, colour.2)
        cairo_move_to(cr, left, y)
        cairo_show_text(cr, text)
    }

    /// The largest size up to `size` at which `text` fits in `width`.
    public func fit(_ text: String, size: Double, bold: Bool, width limit: Double) -> Double {
        var current = size
        while current > 8 && width(text, size: current, bold: bold) > limit { current -= 0.5 }
        return current
    }

    public func wrap(_ text: String, size: Double, bold: Bool = false, width limit: Double) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if width(candidate, size: size, bold: bold) <= limit || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Text centred on a point and turned by `angle` radians, outlined and half-transparent.
    public func stamp(_ text: String, size: Double, centreX: Double, centreY: Double, angle: Double, colour: (Double, Double, Double)) {
        let textWidth = width(text, size: size, bold: true)
        cairo_save(cr)
        cairo_translate(cr, centreX, centreY)
        cairo_rotate(cr, angle)
        font(size: size, bold: true, italic: false)
        cairo_set_source_rgba(cr, colour.0, colour.1, colour.2, 0.55)
        cairo_move_to(cr, -textWidth / 2, size / 3)
        cairo_show_text(cr, text)
        cairo_set_line_width(cr, 4)
        cairo_rectangle(cr, -textWidth / 2 - 16, -size * 0.75, textWidth + 32, size * 1.25)
        cairo_stroke(cr)
        cairo_restore(cr)
    }

    public func rectangle(x: Double, y: Double, width: Double, height: Double, line: Double, colour: (Double, Double, Double)) {
        cairo_set_source_rgb(cr, colour.0, colour.1, colour.2)
        cairo_set_line_width(cr, line)
        cairo_rectangle(cr, x, y, width, height)
        cairo_stroke(cr)
    }

    /// A QR code (error correction M, 8-bit) with its quiet zone, as filled squares.
    public func qr(_ text: String, x: Double, y: Double, size: Double) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw Failure(description: "libqrencode could not encode the text of a QR code")
        }
        defer { QRcode_free(code) }
        let modules = Int(code.pointee.width), quiet = 4
        let cell = size / Double(modules + 2 * quiet)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_rectangle(cr, x, y, size, size)
        cairo_fill(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        for row in 0..<modules {
            for column in 0..<modules where code.pointee.data[row * modules + column] & 1 == 1 {
                cairo_rectangle(cr, x + Double(column + quiet) * cell, y + Double(row + quiet) * cell, cell, cell)
            }
        }
        cairo_fill(cr)
    }

    /// A straight line.
    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, colour: (Double, Double, Double)) {
        cairo_set_source_rgb(cr, colour.0, colour.1, colour.2)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    /// A filled rectangle (a table's heading band).
    public func fill(x: Double, y: Double, width: Double, height: Double, colour: (Double, Double, Double)) {
        cairo_set_source_rgb(cr, colour.0, colour.1, colour.2)
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }

    /// Ends the page: what is drawn next goes on a new one.
    public func endPage() { cairo_show_page(cr) }
}
