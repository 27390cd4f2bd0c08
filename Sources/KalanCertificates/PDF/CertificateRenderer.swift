import CCairo
import CQRencode
import Foundation
import KalanCore

/// Renders a certificate as a one-page A4 landscape PDF with cairo: real, searchable text in an
/// embedded font, and a QR code (libqrencode) that opens the public verification page.
///
/// cairo, fontconfig and libqrencode are not thread-safe, so every rendering in the process
/// goes through one lock.
public struct CertificateRenderer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let width = 841.89, height = 595.28
    static let lock = NSLock()
    let fontFamily: String

    public init(fontFamily: String = "DejaVu Sans") { self.fontFamily = fontFamily }

    public func render(_ content: CertificateContent) throws -> Data {
        try Self.lock.withLock { try renderLocked(content) }
    }

    private func renderLocked(_ content: CertificateContent) throws -> Data {
        let sink = PDFSink()
        let surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(sink).toOpaque(), Self.width, Self.height)
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw Failure(description: "cairo could not create a PDF surface") }
        let fr = content.language == .fr
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "\(fr ? "Certificat" : "Certificate") \(content.serial)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, fr ? OpenBadgeIssuer.ministryFR : OpenBadgeIssuer.ministryEN)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kalan")
        guard let cr = cairo_create(surface) else { throw Failure(description: "cairo could not create a context") }
        let page = Page(cr: cr, family: fontFamily)
        try draw(content, on: page)
        cairo_show_page(cr)
        let status = cairo_status(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw Failure(description: String(cString: cairo_status_to_string(status))) }
        return sink.data
    }

    private func draw(_ c: CertificateContent, on page: Page) throws {
        let fr = c.language == .fr
        let green = (0.08, 0.33, 0.18), gold = (0.72, 0.56, 0.18), ink = (0.11, 0.14, 0.15)
        // Frame: a green border with a thin gold line inside.
        page.rectangle(x: 18, y: 18, width: Self.width - 36, height: Self.height - 36, line: 5, colour: green)
        page.rectangle(x: 28, y: 28, width: Self.width - 56, height: Self.height - 56, line: 1.2, colour: gold)

        let centre = Self.width / 2, textWidth = 660.0
        page.text(fr ? "RÉPUBLIQUE DU MALI" : "REPUBLIC OF MALI", size: 12, bold: true, centreX: centre, y: 62, colour: ink)
        page.text(fr ? "Un Peuple – Un But – Une Foi" : "One People – One Goal – One Faith", size: 9.5, italic: true, centreX: centre, y: 77, colour: ink)
        var y = 102.0
        for line in page.wrap(fr ? OpenBadgeIssuer.ministryFR : OpenBadgeIssuer.ministryEN, size: 12, bold: true, width: textWidth) {
            page.text(line, size: 12, bold: true, centreX: centre, y: y, colour: green)
            y += 16
        }
        page.text(fr ? "CERTIFICAT DE FORMATION" : "CERTIFICATE OF TRAINING", size: 30, bold: true, centreX: centre, y: y + 40, colour: green)
        page.text(fr ? "décerné à" : "awarded to", size: 12, italic: true, centreX: centre, y: y + 68, colour: ink)
        page.text(c.trainee.fullName, size: page.fit(c.trainee.fullName, size: 28, bold: true, width: textWidth), bold: true, centreX: centre, y: y + 102, colour: ink)
        page.text(fr ? "pour avoir suivi avec succès la formation" : "for successfully completing the course", size: 12, italic: true, centreX: centre, y: y + 128, colour: ink)
        y += 154
        for line in page.wrap(c.course.title(in: c.language), size: 17, bold: true, width: textWidth).prefix(2) {
            page.text(line, size: 17, bold: true, centreX: centre, y: y, colour: green)
            y += 21
        }
        let place = c.session.mode == .online ? (fr ? "en ligne" : "online") : [c.session.city, c.session.country.map { Self.country($0, c.language) }].compactMap { $0 }.joined(separator: ", ")
        let delivered =
            fr
            ? "dispensée par \(c.partner.name), du \(Self.date(c.session.startsOn, c.language)) au \(Self.date(c.session.endsOn, c.language)), \(c.session.mode == .online ? "" : "à ")\(place) — \(c.course.hours) heures"
            : "delivered by \(c.partner.name), from \(Self.date(c.session.startsOn, c.language)) to \(Self.date(c.session.endsOn, c.language)), \(c.session.mode == .online ? "" : "in ")\(place) — \(c.course.hours) hours"
        for line in page.wrap(delivered, size: 10.5, width: textWidth).prefix(2) {
            page.text(line, size: 10.5, centreX: centre, y: y + 4, colour: ink)
            y += 14
        }

        // Modules in one or two columns, left of the QR code.
        let modules = c.course.modules
        if !modules.isEmpty {
            y += 12
            page.text(fr ? "Modules" : "Modules", size: 10, bold: true, x: 70, y: y, colour: green)
            let columns = modules.count > 5 ? 2 : 1, perColumn = (modules.count + columns - 1) / columns
            let columnWidth = columns == 2 ? 290.0 : 560.0
            let size = modules.count > 10 ? 7.5 : 8.5
            for (index, module) in modules.enumerated() {
                let x = 70 + Double(index / perColumn) * (columnWidth + 10), rowY = y + 14 + Double(index % perColumn) * (size + 4)
                let label = "\(index + 1). \(module.title(in: c.language)) (\(module.hours) h)"
                page.text(page.truncate(label, size: size, width: columnWidth), size: size, x: x, y: rowY, colour: ink)
            }
        }

        // Footer: serial and dates left, QR code right.
        var footer = (fr ? "N° " : "No. ") + c.serial + (fr ? " — délivré le " : " — issued on ") + Self.date(c.issuedOn, c.language)
        if let expiry = c.expiresOn { footer += (fr ? " — valable jusqu'au " : " — valid until ") + Self.date(expiry, c.language) }
        page.text(footer, size: 10, bold: true, x: 70, y: Self.height - 62, colour: ink)
        page.text(fr ? "Vérifiez ce certificat en ligne :" : "Check this certificate online:", size: 8, x: 70, y: Self.height - 47, colour: ink)
        page.text(c.verificationURL, size: 8, x: 70, y: Self.height - 36, colour: green)
        try page.qr(c.verificationURL, x: Self.width - 70 - 110, y: Self.height - 60 - 120, size: 110)
    }

    static func date(_ day: Day, _ language: Language) -> String {
        let (y, m, d) = day.components
        let months =
            language == .fr
            ? ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
            : ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return language == .fr ? "\(d == 1 ? "1er" : String(d)) \(months[m - 1]) \(y)" : "\(d) \(months[m - 1]) \(y)"
    }

    static func country(_ code: String, _ language: Language) -> String {
        Locale(identifier: language.rawValue).localizedString(forRegionCode: code) ?? code
    }
}

/// Collects the PDF bytes cairo writes.
final class PDFSink {
    var data = Data()
}
