import CCairo
import CQRencode
import Foundation
import KalanCore
import KalanPrint

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
    static var lock: NSLock { Page.lock }
    let fontFamily: String

    public init(fontFamily: String = "DejaVu Sans") { self.fontFamily = fontFamily }

    /// The PDF; with the signed credential (when the content carries it) embedded as an associated
    /// file, so that the paper copy carries its proof.
    public func render(_ content: CertificateContent) throws -> Data {
        let pdf = try Self.lock.withLock { try renderLocked(content) }
        guard let credential = content.signedCredential else { return pdf }
        return try PDFAttachment.embed(
            in: pdf, fileName: "\(content.serial).json", mimeType: "application/ld+json", contents: Data(credential.utf8),
            description: "Signed credential: W3C Verifiable Credential 2.0, Open Badges 3.0, eddsa-rdfc-2022")
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
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, Messages.text("pdf.title", content.language, ["serial": content.serial]))
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, Messages.text("layout.ministry", content.language))
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
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, c.language, values) }
        let green = (0.08, 0.33, 0.18), gold = (0.72, 0.56, 0.18), ink = (0.11, 0.14, 0.15)
        // Frame: a green border with a thin gold line inside.
        page.rectangle(x: 18, y: 18, width: Self.width - 36, height: Self.height - 36, line: 5, colour: green)
        page.rectangle(x: 28, y: 28, width: Self.width - 56, height: Self.height - 56, line: 1.2, colour: gold)

        let centre = Self.width / 2, textWidth = 660.0
        page.text(t("pdf.republic"), size: 12, bold: true, centreX: centre, y: 62, colour: ink)
        page.text(t("pdf.motto"), size: 9.5, italic: true, centreX: centre, y: 77, colour: ink)
        var y = 102.0
        for line in page.wrap(t("layout.ministry"), size: 12, bold: true, width: textWidth) {
            page.text(line, size: 12, bold: true, centreX: centre, y: y, colour: green)
            y += 16
        }
        page.text(t("pdf.heading"), size: 30, bold: true, centreX: centre, y: y + 40, colour: green)
        page.text(t("pdf.awarded_to"), size: 12, italic: true, centreX: centre, y: y + 68, colour: ink)
        page.text(c.trainee.fullName, size: page.fit(c.trainee.fullName, size: 28, bold: true, width: textWidth), bold: true, centreX: centre, y: y + 102, colour: ink)
        page.text(t("pdf.for_completing"), size: 12, italic: true, centreX: centre, y: y + 128, colour: ink)
        y += 154
        for line in page.wrap(c.course.title(in: c.language), size: 17, bold: true, width: textWidth).prefix(2) {
            page.text(line, size: 17, bold: true, centreX: centre, y: y, colour: green)
            y += 21
        }
        let place =
            c.session.mode == .online
            ? c.session.mode.name(in: c.language)
            : [c.session.city.map { Names.city($0, c.language) }, c.session.country.map { Names.country($0, c.language) }].compactMap { $0 }.joined(separator: ", ")
        // "Training provider: …" needs no article before the partner's name (le Centre, l'Université…).
        let delivered = t(
            "pdf.delivered",
            [
                "from": Format.day(c.session.startsOn, c.language), "to": Format.day(c.session.endsOn, c.language), "place": place,
                "hours": String(c.course.hours), "partner": c.partner.name,
            ])
        for line in page.wrap(delivered, size: 10.5, width: textWidth).prefix(2) {
            page.text(line, size: 10.5, centreX: centre, y: y + 4, colour: ink)
            y += 14
        }

        // Modules in one or two columns, left of the QR code: never cut; long titles wrap, and the
        // size shrinks until every module fits above the footer.
        let modules = c.course.modules
        if !modules.isEmpty {
            y += 12
            page.text(t("pdf.modules"), size: 10, bold: true, x: 70, y: y, colour: green)
            let columns = modules.count > 5 ? 2 : 1, perColumn = (modules.count + columns - 1) / columns
            let columnWidth = columns == 2 ? 290.0 : 560.0
            let labels = modules.enumerated().map { index, module in
                t("pdf.module_line", ["number": String(index + 1), "title": module.title(in: c.language), "hours": String(module.hours)])
            }
            let top = y + 14, bottom = Self.height - 80
            var size = modules.count > 10 ? 7.5 : 8.5
            var wrapped: [[String]] = []
            while true {
                wrapped = labels.map { page.wrap($0, size: size, width: columnWidth) }
                let heights = stride(from: 0, to: wrapped.count, by: perColumn).map { start in
                    wrapped[start..<min(start + perColumn, wrapped.count)].reduce(0.0) { $0 + Double($1.count) * (size + 2) + 2 }
                }
                if top + (heights.max() ?? 0) - size <= bottom || size <= 5 { break }
                size -= 0.5
            }
            for column in 0..<columns {
                var rowY = top
                for index in column * perColumn..<min((column + 1) * perColumn, wrapped.count) {
                    for (lineNumber, line) in wrapped[index].enumerated() {
                        page.text(line, size: size, x: 70 + Double(column) * (columnWidth + 10) + (lineNumber > 0 ? 10 : 0), y: rowY, colour: ink)
                        rowY += size + 2
                    }
                    rowY += 2
                }
            }
        }

        // Footer: serial and dates left, QR code right.
        var footer = t("pdf.serial", ["serial": c.serial, "day": Format.day(c.issuedOn, c.language)])
        if let expiry = c.expiresOn { footer += t("pdf.valid_until", ["day": Format.day(expiry, c.language)]) }
        page.text(footer, size: 10, bold: true, x: 70, y: Self.height - 62, colour: ink)
        page.text(t("pdf.check_online"), size: 8, x: 70, y: Self.height - 47, colour: ink)
        page.text(c.verificationURL, size: 8, x: 70, y: Self.height - 36, colour: green)
        try page.qr(c.verificationURL, x: Self.width - 70 - 110, y: Self.height - 60 - 120, size: 110)

        // A revoked certificate printed again carries the mark across the page (level, so that the text
        // stays searchable) and the day above the footer.
        if let revokedOn = c.revokedOn {
            let red = (0.75, 0.08, 0.08)
            page.stamp(t("credentials.pdf_revoked"), size: 48, centreX: centre, centreY: Self.height / 2 - 20, angle: 0, colour: red)
            page.text(t("credentials.pdf_revoked_on", ["day": Format.day(revokedOn, c.language)]), size: 12, bold: true, x: 70, y: Self.height - 80, colour: red)
        }
    }
}

/// Collects the PDF bytes cairo writes.
final class PDFSink {
    var data = Data()
}
