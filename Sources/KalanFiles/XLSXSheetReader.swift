import Foundation
import KalanCore
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the first sheet of an `.xlsx` workbook into records (one per row, the row's own number
/// as its line): ZIPFoundation for the container, Foundation's streaming `XMLParser` for the
/// parts, so that memory follows the records kept and not the size of the XML.
///
/// A workbook is a small file that may unpack to a great deal: every limit below is counted on
/// what is really there (bytes really inflated, cells really kept), never on what the file
/// declares, and each refusal says which limit was reached.
public struct XLSXSheetReader: WorkbookReader {
    public init() {}

    /// The records of the first sheet, or the limit it reached, worded as a file problem.
    public func firstSheet(_ data: Data) throws(CSVError) -> [CSVRecord] {
        do {
            return try Self.firstSheet(data)
        } catch {
            switch error {
            case .unreadable: throw CSVError(line: 1, reason: .unreadableWorkbook)
            case .tooLarge: throw CSVError(line: 1, reason: .workbookTooLarge(megabytes: Self.maxInflatedBytes >> 20))
            case .columns(let line): throw CSVError(line: line, reason: .workbookColumns(max: Self.maxColumns))
            case .cells: throw CSVError(line: 1, reason: .workbookCells(max: Self.maxCells))
            case .strings: throw CSVError(line: 1, reason: .workbookStrings(max: Self.maxSharedStrings, length: Self.maxTextLength))
            }
        }
    }

    enum Refusal: Error, Equatable {
        case unreadable
        /// More than `maxInflatedBytes` unpacked, or as much text in the cells.
        case tooLarge
        /// A value beyond `maxColumns`, on this row.
        case columns(line: Int)
        /// More than `maxCells` cells, counting the empty ones a row needs before its last value.
        case cells
        /// More than `maxSharedStrings` shared texts, or one longer than `maxTextLength`.
        case strings
    }

    /// All parts read, as they are inflated; also the most text the kept cells may hold.
    static let maxInflatedBytes = 100 << 20
    /// A staff list has about ten columns; Excel allows 16,384.
    static let maxColumns = 256
    static let maxCells = 2_000_000
    static let maxSharedStrings = 1_000_000
    /// Excel's own limit for a cell.
    static let maxTextLength = 32_767
    /// The workbook and its relationships: a few hundred bytes in real files.
    static let maxDirectoryPartSize = 1 << 20

    static func firstSheet(_ data: Data) throws(Refusal) -> [CSVRecord] {
        do {
            return try read(data)
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw .unreadable
        }
    }

    private static func read(_ data: Data) throws -> [CSVRecord] {
        let archive = try Archive(data: data, accessMode: .read)
        var inflated = 0
        /// The part's bytes, counted as they come out of the inflater: the declared size is not trusted.
        func part(_ path: String, max: Int = maxInflatedBytes) throws -> Data? {
            guard let entry = archive[path], entry.type == .file else { return nil }
            var bytes = Data()
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                inflated += chunk.count
                guard inflated <= maxInflatedBytes, bytes.count + chunk.count <= max else { throw Refusal.tooLarge }
                bytes.append(chunk)
            }
            return bytes
        }
        let sheetPath = try firstSheetPath(part: { try part($0, max: maxDirectoryPartSize) })
        let strings = try part("xl/sharedStrings.xml").map { try SharedStringsParser.parse($0) } ?? []
        guard let sheetData = try part(sheetPath) else { throw Refusal.unreadable }
        return try SheetParser.parse(sheetData, strings: strings)
    }

    /// The first `<sheet>` of the workbook, through its relationship; `sheet1.xml` when absent.
    static func firstSheetPath(part: (String) throws -> Data?) throws -> String {
        guard let workbookData = try part("xl/workbook.xml"), let relsData = try part("xl/_rels/workbook.xml.rels"),
            let first = try? ElementCollector.attributes(of: "sheet", in: workbookData).first?["r:id"],
            let target = try? ElementCollector.attributes(of: "Relationship", in: relsData).first(where: { $0["Id"] == first })?["Target"]
        else { return "xl/worksheets/sheet1.xml" }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// "BC12" → 54 (A = 0); nil without letters. Excel's last column is XFD: more than three
    /// letters is not a cell reference (and would overflow the arithmetic), so it is refused.
    static func columnIndex(_ reference: String) throws(Refusal) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            letters += 1
            guard letters <= 3 else { throw .unreadable }
            index = index * 26 + Int(scalar.value - 64)
        }
        return letters == 0 ? nil : index - 1
    }

    /// An element's name without its namespace prefix (`x:row` → `row`).
    static func local(_ name: String) -> Substring {
        guard let colon = name.lastIndex(of: ":") else { return name[...] }
        return name[name.index(after: colon)...]
    }

    /// A document type declaration has no place in a workbook part, and entities are how a
    /// small XML file grows: refused before parsing.
    static func parser(for data: Data) throws(Refusal) -> XMLParser {
        let prologue = data.prefix(4096)
        if prologue.range(of: Data("<!DOCTYPE".utf8)) != nil || prologue.range(of: Data("<!ENTITY".utf8)) != nil { throw .unreadable }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        return parser
    }

    /// Attributes of every element with this name, for the small parts (workbook, relationships).
    final class ElementCollector: NSObject, XMLParserDelegate {
        let name: String
        var found: [[String: String]] = []
        init(name: String) { self.name = name }

        static func attributes(of name: String, in data: Data) throws -> [[String: String]] {
            let collector = ElementCollector(name: name)
            let parser = try XLSXSheetReader.parser(for: data)
            parser.delegate = collector
            guard parser.parse() else { throw Refusal.unreadable }
            return collector.found
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if local(elementName) == name { found.append(attributes) }
        }
    }

    /// `xl/sharedStrings.xml`: each `<si>` is a `<t>` or rich-text runs `<r><t>…</t></r>`;
    /// phonetic guides (`<rPh>`) are not part of the text.
    final class SharedStringsParser: NSObject, XMLParserDelegate {
        var items: [String] = []
        var current = ""
        var inItem = false, inText = false
        var phonetic = 0
        var refusal: Refusal?

        static func parse(_ data: Data) throws -> [String] {
            let delegate = SharedStringsParser()
            let parser = try XLSXSheetReader.parser(for: data)
            parser.delegate = delegate
            let parsed = parser.parse()
            if let refusal = delegate.refusal { throw refusal }
            guard parsed else { throw Refusal.unreadable }
            return delegate.items
        }

        func stop(_ parser: XMLParser, _ refusal: Refusal) {
            self.refusal = refusal
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch local(elementName) {
            case "si":
                inItem = true
                current = ""
            case "rPh": phonetic += 1
            case "t": inText = inItem && phonetic == 0
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(elementName) {
            case "si":
                inItem = false
                guard items.count < maxSharedStrings, current.utf16.count <= maxTextLength else { return stop(parser, .strings) }
                items.append(current)
            case "rPh": phonetic -= 1
            case "t": inText = false
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard inText else { return }
            current += string
            if current.utf8.count > 4 * maxTextLength { stop(parser, .strings) }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }
    }

    /// The sheet: `<row r>` of `<c r t>` holding `<v>` or an inline `<is>`; formulas (`<f>`) are
    /// left out, their cached value (`<v>`) kept. Empty cells are skipped; a value's row is padded
    /// up to its column, and those padded cells count.
    final class SheetParser: NSObject, XMLParserDelegate {
        let strings: [String]
        var records: [CSVRecord] = []
        var refusal: Refusal?

        var rowNumber = 0
        var fields: [String] = []
        var cellPosition = 0
        var cells = 0
        var textBytes = 0

        var cellReference: String?
        var cellType: String?
        var value = ""
        var inValue = false, inInline = false, inText = false
        var phonetic = 0

        init(strings: [String]) { self.strings = strings }

        static func parse(_ data: Data, strings: [String]) throws -> [CSVRecord] {
            let delegate = SheetParser(strings: strings)
            let parser = try XLSXSheetReader.parser(for: data)
            parser.delegate = delegate
            let parsed = parser.parse()
            if let refusal = delegate.refusal { throw refusal }
            guard parsed else { throw Refusal.unreadable }
            return delegate.records
        }

        func stop(_ parser: XMLParser, _ refusal: Refusal) {
            if self.refusal == nil { self.refusal = refusal }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch local(elementName) {
            case "row":
                rowNumber = attributes["r"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? rowNumber + 1
                fields = []
                cellPosition = 0
            case "c":
                cellReference = attributes["r"]
                cellType = attributes["t"]
                value = ""
            case "v": inValue = true
            case "is": inInline = true
            case "rPh": phonetic += 1
            case "t": inText = inInline && phonetic == 0
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(elementName) {
            case "row":
                if fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { records.append(CSVRecord(line: rowNumber, fields: fields)) }
                fields = []
            case "c": endCell(parser)
            case "v": inValue = false
            case "is": inInline = false
            case "rPh": phonetic -= 1
            case "t": inText = false
            default: break
            }
        }

        func endCell(_ parser: XMLParser) {
            defer { cellPosition += 1 }
            var column = cellPosition
            do {
                if let reference = cellReference, let index = try columnIndex(reference) { column = index }
            } catch {
                return stop(parser, error)
            }
            cellPosition = column
            let text: String
            switch cellType {
            case "s": text = Int(value).flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? ""
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            default: text = value
            }
            guard !text.isEmpty else { return }
            guard column < maxColumns else { return stop(parser, .columns(line: rowNumber)) }
            let added = max(fields.count, column + 1) - fields.count
            cells += added
            textBytes += text.utf8.count
            guard cells <= maxCells else { return stop(parser, .cells) }
            guard textBytes <= maxInflatedBytes else { return stop(parser, .tooLarge) }
            while fields.count < column { fields.append("") }
            if fields.count == column { fields.append(text) } else { fields[column] = text }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard inValue || inText else { return }
            value += string
            if value.utf8.count > 4 * maxTextLength { stop(parser, .strings) }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }
    }
}
