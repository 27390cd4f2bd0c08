import Foundation
import KalanCore

/// The sign-in sheet (feuille d'émargement) of a session as an A4 portrait PDF: one page per training
/// day (more when the roster does not fit), the seat holders in the roster's order with staff number
/// and department, a signature box for the morning and one for the afternoon, the trainers' box, and a
/// QR code that opens that day's attendance page. Black on white with firm lines, so that a photocopy
/// of a photocopy still reads.
public struct SignInSheetRenderer: Sendable {
    let fontFamily: String

    public init(fontFamily: String = "DejaVu Sans") { self.fontFamily = fontFamily }

    static let (width, height) = PDFDocument.a4Portrait
    static let margin = 36.0, rowHeight = 26.0, headerHeight = 28.0, trainerBoxHeight = 72.0
    /// Number, name, staff number, department, morning, afternoon.
    static let columns: [Double] = [24, 150, 86, 65, 99, 99]
    static let ink = (0.0, 0.0, 0.0), band = (0.86, 0.86, 0.86)

    /// `publicURL` without a trailing slash: the QR code is `publicURL` + the day's attendance path.
    public func render(_ content: SignInSheetContent, language: Language, publicURL: String) throws -> Data {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let perPage = Self.rowsPerPage
        let chunks =
            content.people.isEmpty
            ? [[]]
            : stride(from: 0, to: content.people.count, by: perPage).map { start in
                Array(content.people.enumerated().dropFirst(start).prefix(perPage))
            }
        let title = t("room.sheet.pdf_title", ["code": content.session.code])
        return try PDFDocument.render(
            width: Self.width, height: Self.height, title: title, author: t("layout.ministry"), fontFamily: fontFamily
        ) { page in
            for day in content.days {
                for (index, chunk) in chunks.enumerated() {
                    let part = chunks.count > 1 ? t("room.sheet.part", ["page": String(index + 1), "pages": String(chunks.count)]) : nil
                    try drawPage(
                        content, day: day, lines: chunk, part: part, url: base + content.attendancePath(day), language: language, on: page)
                    page.endPage()
                }
            }
        }
    }

    /// Rows that fit between the heading and the trainers' box.
    static var rowsPerPage: Int {
        let top = tableTop + headerHeight
        let bottom = height - margin - 18 - trainerBoxHeight - 10
        return max(1, Int((bottom - top) / rowHeight))
    }

    static let tableTop = 236.0

    private func drawPage(
        _ c: SignInSheetContent, day: Day, lines: [(offset: Int, element: SignInSheetContent.Person)], part: String?, url: String, language: Language,
        on page: Page
    ) throws {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        let ink = Self.ink, left = Self.margin, right = Self.width - Self.margin
        // Heading: the republic and the ministry, left; the QR code to the day's page, right.
        let qrSize = 100.0, qrX = right - qrSize
        page.text(t("pdf.republic"), size: 8.5, bold: true, x: left, y: 44, colour: ink)
        var y = 58.0
        for line in page.wrap(t("layout.ministry"), size: 9, bold: true, width: qrX - left - 20).prefix(2) {
            page.text(line, size: 9, bold: true, x: left, y: y, colour: ink)
            y += 12
        }
        try page.qr(url, x: qrX, y: 30, size: qrSize)
        let caption = t("room.sheet.qr_caption")
        page.text(caption, size: 7, bold: true, centreX: qrX + qrSize / 2, y: 30 + qrSize + 9, colour: ink)
        var urlY = 30 + qrSize + 18
        for line in wrapURL(url, page: page, width: qrSize + 30).prefix(3) {
            page.text(line, size: 6, centreX: qrX + qrSize / 2, y: urlY, colour: ink)
            urlY += 7.5
        }
        page.text(t("room.sheet.title"), size: 18, bold: true, x: left, y: y + 20, colour: ink)
        // What, who and where: labelled lines beside the QR code.
        let weekday = t("room.weekday.\(day.isoWeekday)")
        let course = c.course?.title(in: language) ?? ""
        let facts: [(String, String, Bool)] = [
            (t("room.sheet.day"), "\(weekday) \(Format.day(day, language))" + (part.map { " · \($0)" } ?? ""), true),
            (t("room.sheet.session"), c.session.code, false),
            (t("room.sheet.course"), course, false),
            (t("room.sheet.partner"), c.partner?.name ?? "", false),
            (t("room.sheet.place"), c.place(language), false),
        ]
        let labelWidth = 78.0, valueWidth = qrX - 14 - left - labelWidth
        y += 42
        for (label, value, strong) in facts {
            page.text(label, size: 9, bold: true, x: left, y: y, colour: ink)
            for (number, line) in page.wrap(value, size: strong ? 10.5 : 9.5, bold: strong, width: valueWidth).prefix(2).enumerated() {
                page.text(line, size: strong ? 10.5 : 9.5, bold: strong, x: left + labelWidth, y: y + Double(number) * 12, colour: ink)
                if number > 0 { y += 12 }
            }
            y += 14
        }
        // The table: a heading band, then one row per person with two signature boxes.
        let top = max(Self.tableTop, y + 2)
        let headings = [
            t("room.sheet.col.number"), t("room.sheet.col.name"), t("room.sheet.col.staff"), t("room.sheet.col.department"),
            t("room.sheet.col.morning"), t("room.sheet.col.afternoon"),
        ]
        page.fill(x: left, y: top, width: right - left, height: Self.headerHeight, colour: Self.band)
        var x = left
        for (column, heading) in headings.enumerated() {
            let width = Self.columns[column]
            let size = page.fit(heading, size: 8.5, bold: true, width: width - 6)
            page.text(heading, size: size, bold: true, x: x + 3, y: top + (column >= 4 ? 12 : 17.5), colour: ink)
            if column >= 4 { page.text(t("room.sheet.signature"), size: 7, italic: true, x: x + 3, y: top + 23, colour: ink) }
            x += width
        }
        var rowY = top + Self.headerHeight
        for (index, person) in lines {
            let cells = [String(index + 1), person.fullName, person.staffNumber, person.department ?? ""]
            x = left
            for (column, cell) in cells.enumerated() {
                let width = Self.columns[column]
                let size = page.fit(cell, size: column == 1 ? 9.5 : 9, bold: column == 1, width: width - 6)
                page.text(cell, size: size, bold: column == 1, x: x + 3, y: rowY + Self.rowHeight / 2 + 3.5, colour: ink)
                x += width
            }
            rowY += Self.rowHeight
        }
        if lines.isEmpty {
            page.text(t("room.sheet.nobody"), size: 9.5, italic: true, x: left + 6, y: rowY + 17, colour: ink)
            rowY += Self.rowHeight
        }
        // The grid: outer frame, a line under each row, the column separators.
        page.rectangle(x: left, y: top, width: right - left, height: rowY - top, line: 1.1, colour: ink)
        var lineY = top + Self.headerHeight
        while lineY < rowY - 0.5 {
            page.line(x1: left, y1: lineY, x2: right, y2: lineY, width: lineY == top + Self.headerHeight ? 1.1 : 0.7, colour: ink)
            lineY += Self.rowHeight
        }
        x = left
        for width in Self.columns.dropLast() {
            x += width
            page.line(x1: x, y1: top, x2: x, y2: rowY, width: x == left + Self.columns[0] + Self.columns[1] + Self.columns[2] + Self.columns[3] ? 1.1 : 0.7, colour: ink)
        }
        // The trainers' box: their names, and where they sign for each half-day.
        let boxTop = Self.height - Self.margin - 18 - Self.trainerBoxHeight
        page.rectangle(x: left, y: boxTop, width: right - left, height: Self.trainerBoxHeight, line: 1.1, colour: ink)
        let signX = left + Self.columns[0..<4].reduce(0, +)
        page.text(t("room.sheet.trainer"), size: 9, bold: true, x: left + 6, y: boxTop + 14, colour: ink)
        let names = c.trainers.isEmpty ? t("room.sheet.no_trainer") : c.trainers.joined(separator: ", ")
        var nameY = boxTop + 28
        for line in page.wrap(names, size: 9.5, width: signX - left - 12).prefix(3) {
            page.text(line, size: 9.5, x: left + 6, y: nameY, colour: ink)
            nameY += 12
        }
        page.text(t("room.sheet.count", ["count": String(c.people.count)]), size: 8, italic: true, x: left + 6, y: boxTop + Self.trainerBoxHeight - 7, colour: ink)
        page.line(x1: signX, y1: boxTop, x2: signX, y2: boxTop + Self.trainerBoxHeight, width: 1.1, colour: ink)
        page.line(x1: signX + Self.columns[4], y1: boxTop, x2: signX + Self.columns[4], y2: boxTop + Self.trainerBoxHeight, width: 0.7, colour: ink)
        page.text(t("room.sheet.trainer_morning"), size: 7.5, bold: true, x: signX + 3, y: boxTop + 11, colour: ink)
        page.text(t("room.sheet.trainer_afternoon"), size: 7.5, bold: true, x: signX + Self.columns[4] + 3, y: boxTop + 11, colour: ink)
        // Footer: which sheet this is, on every page.
        let footer = t("room.sheet.footer", ["code": c.session.code, "day": Format.shortDay(day, language)])
        page.text(footer, size: 7.5, x: left, y: Self.height - Self.margin + 4, colour: ink)
    }

    /// A URL broken anywhere (it has no spaces) into lines that fit `width` at 6 pt.
    private func wrapURL(_ url: String, page: Page, width: Double) -> [String] {
        var lines: [String] = [], current = ""
        for character in url {
            if !current.isEmpty && page.width(current + String(character), size: 6) > width {
                lines.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
