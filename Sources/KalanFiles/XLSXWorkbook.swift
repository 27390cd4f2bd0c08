import Foundation
import KalanCore

/// An Office Open XML workbook (.xlsx, ECMA-376) with plain sheets: text as inline strings,
/// numbers as numbers (decimals shown with one digit), the first row in bold; the ZIP container written
/// with ZIPFoundation (`ZipArchive`).
public struct XLSXWorkbook: Sendable {
    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[SheetCell]]
        public init(name: String, rows: [[SheetCell]]) {
            self.name = name
            self.rows = rows
        }
    }

    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The workbook's bytes.
    public func data() throws -> Data {
        var zip = ZipArchive()
        let overrides = sheets.indices.map {
            #"<Override PartName="/xl/worksheets/sheet\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }.joined()
        zip.add(
            name: "[Content_Types].xml",
            data: Self.xml(
                #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
                    + overrides + "</Types>"))
        zip.add(
            name: "_rels/.rels",
            data: Self.xml(
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ))
        let sheetList = sheets.enumerated().map { i, sheet in
            #"<sheet name="\#(Self.escape(Self.sheetName(sheet.name, index: i)))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }.joined()
        zip.add(
            name: "xl/workbook.xml",
            data: Self.xml(
                #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
                    + sheetList + "</sheets></workbook>"))
        let relations = sheets.indices.map {
            #"<Relationship Id="rId\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"#
        }.joined()
        zip.add(
            name: "xl/_rels/workbook.xml.rels",
            data: Self.xml(
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"# + relations
                    + #"<Relationship Id="rId\#(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
            ))
        zip.add(
            name: "xl/styles.xml",
            data: Self.xml(
                #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf/><xf fontId="1" applyFont="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#
            ))
        for (i, sheet) in sheets.enumerated() { zip.add(name: "xl/worksheets/sheet\(i + 1).xml", data: Self.worksheet(sheet.rows)) }
        return try zip.data()
    }

    static func worksheet(_ rows: [[SheetCell]]) -> Data {
        var xml = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in rows.enumerated() {
            xml += #"<row r="\#(r + 1)">"#
            for (c, cell) in row.enumerated() {
                let reference = column(c) + String(r + 1)
                let style = r == 0 ? #" s="1""# : ""
                switch cell {
                case .text(let text): xml += #"<c r="\#(reference)"\#(style) t="inlineStr"><is><t xml:space="preserve">\#(escape(text))</t></is></c>"#
                case .number(let value) where value.isFinite: xml += #"<c r="\#(reference)"\#(style)><v>\#(value)</v></c>"#
                case .decimal(let value) where value.isFinite: xml += #"<c r="\#(reference)" s="2"><v>\#(value)</v></c>"#
                case .number, .decimal, .empty: break
                }
            }
            xml += "</row>"
        }
        return self.xml(xml + "</sheetData></worksheet>")
    }

    /// A, B, … Z, AA, AB…
    static func column(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let rest = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + rest))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Excel's rules: 1–31 characters, none of : \ / ? * [ ].
    static func sheetName(_ name: String, index: Int) -> String {
        let cleaned = String(name.filter { !":\\/?*[]".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Sheet\(index + 1)" : cleaned
    }

    /// XML text: the five entities, and control characters XML 1.0 cannot carry dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func xml(_ body: String) -> Data { Data((#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n" + body).utf8) }
}
