import Foundation
import KalanCore

/// One convocation: the official letter that calls a staff member to a training session.
public struct ConvocationLetter: Sendable {
    public var personName: String
    public var staffNumber: String?
    public var session: String
    public var course: String
    public var startsOn: Day
    public var endsOn: Day
    public var place: String
    public var partner: String
    /// Who signs: the name and title HR gives (KALAN_CONVOCATION_SIGNATORY).
    public var signatory: String
    public var issuedOn: Day

    public init(
        personName: String, staffNumber: String?, session: String, course: String, startsOn: Day, endsOn: Day, place: String, partner: String,
        signatory: String, issuedOn: Day
    ) {
        (self.personName, self.staffNumber, self.session, self.course, self.startsOn, self.endsOn) = (personName, staffNumber, session, course, startsOn, endsOn)
        (self.place, self.partner, self.signatory, self.issuedOn) = (place, partner, signatory, issuedOn)
    }
}

/// Convocations as an A4 portrait PDF, one page per person: the ministry's letterhead (the
/// Republic and its motto, the ministry, the HR directorate), the person, the session, its dates,
/// place and partner, what to bring, and the signatory. Words from the catalogue (`notice.convocation.*`).
public struct ConvocationRenderer: Sendable {
    let fontFamily: String

    public init(fontFamily: String = "DejaVu Sans") { self.fontFamily = fontFamily }

    static let (width, height) = PDFDocument.a4Portrait
    static let margin = 56.0
    static let ink = (0.0, 0.0, 0.0), green = (0.08, 0.45, 0.2)

    public func render(_ letters: [ConvocationLetter], language: Language) throws -> Data {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text("notice.convocation.\(key)", language, values) }
        let title = letters.count == 1 ? t("title_one", ["name": letters[0].personName]) : t("title_many", ["session": letters.first?.session ?? ""])
        return try PDFDocument.render(
            width: Self.width, height: Self.height, title: title, author: Messages.text("layout.ministry", language), fontFamily: fontFamily
        ) { page in
            for letter in letters {
                draw(letter, language: language, on: page)
                page.endPage()
            }
        }
    }

    func draw(_ letter: ConvocationLetter, language: Language, on page: Page) {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text("notice.convocation.\(key)", language, values) }
        let left = Self.margin, right = Self.width - Self.margin, ink = Self.ink
        // Letterhead: the ministry on the left, the Republic and its motto on the right.
        var y = 64.0
        for line in page.wrap(Messages.text("layout.ministry", language).uppercased(), size: 8.5, bold: true, width: 250) {
            page.text(line, size: 8.5, bold: true, x: left, y: y, colour: ink)
            y += 11
        }
        page.text(t("directorate"), size: 8.5, x: left, y: y + 4, colour: ink)
        page.text(t("republic"), size: 9, bold: true, centreX: right - 80, y: 64, colour: ink)
        page.text(t("motto"), size: 8, italic: true, centreX: right - 80, y: 77, colour: ink)
        page.line(x1: left, y1: y + 16, x2: right, y2: y + 16, width: 1.5, colour: Self.green)
        y += 44
        page.text(
            t("place_date", ["date": Format.day(letter.issuedOn, language)]), size: 10, x: right - page.width(t("place_date", ["date": Format.day(letter.issuedOn, language)]), size: 10), y: y,
            colour: ink)
        y += 40
        page.text(t("heading"), size: 20, bold: true, centreX: Self.width / 2, y: y, colour: ink)
        y += 34
        let to = letter.staffNumber.map { t("to_staff", ["name": letter.personName, "staff_number": $0]) } ?? t("to", ["name": letter.personName])
        page.text(to, size: 11, bold: true, x: left, y: y, colour: ink)
        y += 30
        let values = [
            "course": letter.course, "session": letter.session, "from": Format.day(letter.startsOn, language), "to": Format.day(letter.endsOn, language),
            "place": letter.place, "partner": letter.partner,
        ]
        for paragraph in [t("body", values), t("bring"), t("closing")] {
            for line in page.wrap(paragraph, size: 11, width: right - left) {
                page.text(line, size: 11, x: left, y: y, colour: ink)
                y += 16
            }
            y += 10
        }
        y += 6
        for (label, value) in [
            (t("session"), "\(letter.session) · \(letter.course)"), (t("dates"), Format.span(letter.startsOn, letter.endsOn, language)), (t("place"), letter.place), (t("partner"), letter.partner),
        ] {
            page.text(label, size: 10, bold: true, x: left, y: y, colour: ink)
            page.text(value, size: 10, x: left + 110, y: y, colour: ink)
            y += 16
        }
        y += 50
        let signer = right - 240
        page.text(t("for_minister"), size: 10, italic: true, x: signer, y: y, colour: ink)
        // "Name, Title": the name in bold, the title below it.
        let parts = letter.signatory.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, part) in parts.enumerated() {
            for line in page.wrap(part, size: 11, bold: index == 0, width: 240) {
                y += 16
                page.text(line, size: 11, bold: index == 0, x: signer, y: y, colour: ink)
            }
        }
        page.text(t("footer"), size: 7.5, centreX: Self.width / 2, y: Self.height - 36, colour: (0.35, 0.35, 0.35))
    }
}
