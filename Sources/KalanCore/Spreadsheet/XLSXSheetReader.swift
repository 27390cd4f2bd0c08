import Foundation
import XMLCoder
import ZIPFoundation

/// Reads the first sheet of an `.xlsx` workbook into records (one per row, the row's own number
/// as its line), through maintained readers: ZIPFoundation for the container, XMLCoder for the
/// workbook, its relationships, the shared strings and the sheet.
enum XLSXSheetReader {
    struct Unreadable: Error {}

    /// A decompressed part larger than this is refused (a zip bomb, or not a staff list).
    static let maxPartSize = 200 * 1024 * 1024

    static func firstSheet(_ data: Data) throws -> [CSVRecord] {
        let archive = try Archive(data: data, accessMode: .read)
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            guard Int(clamping: entry.uncompressedSize) <= maxPartSize else { throw Unreadable() }
            var bytes = Data()
            _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            return bytes
        }
        let decoder = XMLDecoder()
        decoder.trimValueWhitespaces = false
        let sheetPath = try firstSheetPath(part: part, decoder: decoder)
        guard let sheetData = try part(sheetPath) else { throw Unreadable() }
        let strings = try part("xl/sharedStrings.xml").map { try decoder.decode(SharedStrings.self, from: $0).items.map(\.text) } ?? []
        let sheet = try decoder.decode(Worksheet.self, from: sheetData)
        var records: [CSVRecord] = []
        var previousRow = 0
        for row in sheet.sheetData.rows {
            let number = row.r ?? previousRow + 1
            previousRow = number
            var fields: [String] = []
            for (index, cell) in row.cells.enumerated() {
                let column = cell.r.flatMap(columnIndex) ?? index
                guard column < 16_384 else { throw Unreadable() }
                while fields.count < column { fields.append("") }
                let value: String
                switch cell.t {
                case "s": value = Int(cell.v ?? "").flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? ""
                case "inlineStr": value = cell.inline?.text ?? ""
                case "b": value = cell.v == "1" ? "TRUE" : "FALSE"
                default: value = cell.v ?? ""
                }
                if fields.count == column { fields.append(value) } else { fields[column] = value }
            }
            if fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { records.append(CSVRecord(line: number, fields: fields)) }
        }
        return records
    }

    /// The first `<sheet>` of the workbook, through its relationship; `sheet1.xml` when absent.
    static func firstSheetPath(part: (String) throws -> Data?, decoder: XMLDecoder) throws -> String {
        guard let workbookData = try part("xl/workbook.xml"), let relsData = try part("xl/_rels/workbook.xml.rels"),
            let workbook = try? decoder.decode(Workbook.self, from: workbookData), let first = workbook.sheets.items.first,
            let rels = try? decoder.decode(Relationships.self, from: relsData),
            let target = rels.items.first(where: { $0.id == first.relationship })?.target
        else { return "xl/worksheets/sheet1.xml" }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// "BC12" → 54 (A = 0).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }

    // MARK: - The parts of a workbook that matter here

    struct Workbook: Decodable {
        struct Sheets: Decodable {
            var items: [Sheet]
            enum CodingKeys: String, CodingKey { case items = "sheet" }
        }
        struct Sheet: Decodable {
            var relationship: String
            enum CodingKeys: String, CodingKey { case relationship = "r:id" }
        }
        var sheets: Sheets
    }

    struct Relationships: Decodable {
        struct Relationship: Decodable {
            var id: String
            var target: String
            enum CodingKeys: String, CodingKey {
                case id = "Id"
                case target = "Target"
            }
        }
        var items: [Relationship]
        enum CodingKeys: String, CodingKey { case items = "Relationship" }
    }

    /// Text held as `<t>` or as rich-text runs `<r><t>…</t></r>`.
    struct RichText: Decodable {
        struct Run: Decodable { var t: Text? }
        struct Text: Decodable {
            var value: String
            enum CodingKeys: String, CodingKey { case value = "" }
            init(from decoder: any Decoder) throws {
                if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
                    value = text
                } else {
                    value = (try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .value)) ?? ""
                }
            }
        }
        var t: Text?
        var r: [Run]?
        var text: String { t?.value ?? (r ?? []).map { $0.t?.value ?? "" }.joined() }
    }

    struct SharedStrings: Decodable {
        var items: [RichText]
        enum CodingKeys: String, CodingKey { case items = "si" }
        init(from decoder: any Decoder) throws {
            items = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([RichText].self, forKey: .items) ?? []
        }
    }

    struct Worksheet: Decodable {
        struct SheetData: Decodable {
            var rows: [Row]
            enum CodingKeys: String, CodingKey { case rows = "row" }
            init(from decoder: any Decoder) throws {
                rows = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([Row].self, forKey: .rows) ?? []
            }
        }
        struct Row: Decodable {
            var r: Int?
            var cells: [Cell]
            enum CodingKeys: String, CodingKey {
                case r
                case cells = "c"
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                r = try container.decodeIfPresent(Int.self, forKey: .r)
                cells = try container.decodeIfPresent([Cell].self, forKey: .cells) ?? []
            }
        }
        struct Cell: Decodable {
            var r: String?
            var t: String?
            var v: String?
            var inline: RichText?
            enum CodingKeys: String, CodingKey {
                case r, t, v
                case inline = "is"
            }
        }
        var sheetData: SheetData
    }
}
