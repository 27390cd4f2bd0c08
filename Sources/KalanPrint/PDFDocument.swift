import CCairo
import Foundation

/// A PDF drawn with cairo into memory, page after page, under the process's one rendering lock.
public enum PDFDocument {
    /// A4 portrait, in points.
    public static let a4Portrait = (width: 595.28, height: 841.89)

    /// Title, author and creator in the file's metadata; `draw` gets the page helper and ends every
    /// page, the last one included, with `Page.endPage()`.
    public static func render(width: Double, height: Double, title: String, author: String, fontFamily: String, draw: (Page) throws -> Void) throws -> Data {
        try Page.lock.withLock {
            let sink = Sink()
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(sink).toOpaque(), width, height)
            guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
                throw Page.Failure(description: "cairo could not create a PDF surface")
            }
            defer { cairo_surface_destroy(surface) }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kalan")
            guard let cr = cairo_create(surface) else { throw Page.Failure(description: "cairo could not create a context") }
            let page = Page(cr: cr, family: fontFamily)
            do {
                try draw(page)
            } catch {
                cairo_destroy(cr)
                throw error
            }
            let status = cairo_status(cr)
            cairo_destroy(cr)
            cairo_surface_finish(surface)
            guard status == CAIRO_STATUS_SUCCESS else { throw Page.Failure(description: String(cString: cairo_status_to_string(status))) }
            return sink.data
        }
    }

    final class Sink {
        var data = Data()
    }
}
