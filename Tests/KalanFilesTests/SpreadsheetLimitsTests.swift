import Foundation
import KalanCore
import KalanFiles
import Testing
import ZIPFoundation

/// Crafted workbooks that cost a server memory, time or its life: each is refused with a
/// message that names the limit, and never read past it.
@Suite("Crafted .xlsx files: no trap, no bomb, each limit named")
struct SpreadsheetLimitsTests {
    static let header = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
    static let footer = "</sheetData></worksheet>"

    /// A workbook with only a sheet (and shared strings), deflated as Excel does; each part's
    /// declared size may be made to lie, as a crafted file's does.
    static func workbook(sheet: String, sharedStrings: String? = nil, declaredSize: UInt32? = nil) throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<min(data.count, Int(position) + size))
            }
        }
        try add("xl/worksheets/sheet1.xml", sheet)
        if let sharedStrings { try add("xl/sharedStrings.xml", sharedStrings) }
        var bytes = try #require(archive.data)
        if let declaredSize { lie(about: declaredSize, in: &bytes) }
        return bytes
    }

    /// Writes `size` as every entry's uncompressed size, in its local header and in the central directory.
    static func lie(about size: UInt32, in bytes: inout Data) {
        func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func write(_ at: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(i))) } }
        var offset = 0
        while offset + 4 <= bytes.count {
            switch u32(offset) {
            case 0x0403_4b50:
                write(offset + 22)
                offset += 30 + u16(offset + 26) + u16(offset + 28) + Int(u32(offset + 18))
            case 0x0201_4b50:
                write(offset + 24)
                offset += 46 + u16(offset + 28) + u16(offset + 30) + u16(offset + 32)
            default: return
            }
        }
    }

    static func problem(_ data: Data) -> ImportProblem? {
        let problems = TraineeSheet.read(data, workbooks: XLSXSheetReader()).problems
        return problems.count == 1 ? problems[0] : nil
    }

    @Test func aCellReferenceOfFourteenLettersIsRefusedNotATrap() throws {
        let sheet = Self.header + #"<row r="1"><c r="ABCDEFGHIJKLMN1" t="inlineStr"><is><t>x</t></is></c></row>"# + Self.footer
        let problem = try #require(Self.problem(try Self.workbook(sheet: sheet)))
        #expect(problem.reason == .file(CSVError(line: 1, reason: .unreadableWorkbook)))
        #expect(problem.message(in: .fr).contains(".xlsx"))
    }

    @Test func whatIsReallyInflatedCountsNotWhatTheFileDeclares() throws {
        // About 110 MB of blanks between two rows that deflate to about 100 KB; the file says 1 KB.
        let blanks = String(repeating: " ", count: 110 << 20)
        let sheet = Self.header + #"<row r="1"><c t="inlineStr"><is><t>matricule</t></is></c></row>"# + blanks + Self.footer
        let data = try Self.workbook(sheet: sheet, declaredSize: 1024)
        #expect(data.count < 1 << 20)
        let problem = try #require(Self.problem(data))
        #expect(problem.reason == .file(CSVError(line: 1, reason: .workbookTooLarge(megabytes: 100))))
        #expect(problem.message(in: .en).contains("100 MB"))
        #expect(problem.message(in: .fr).contains("100 Mo"))
    }

    @Test func aValueBeyondTheColumnsAStaffListHasIsRefusedWithItsLine() throws {
        var sheet = Self.header + #"<row r="1"><c r="A1" t="inlineStr"><is><t>matricule</t></is></c></row>"#
        for row in 2...6_000 { sheet += #"<row r="\#(row)"><c r="XFD\#(row)"><v>1</v></c></row>"# }
        let problem = try #require(Self.problem(try Self.workbook(sheet: sheet + Self.footer)))
        #expect(problem.reason == .file(CSVError(line: 2, reason: .workbookColumns(max: 256))))
        #expect(problem.message(in: .en).contains("line 2") && problem.message(in: .en).contains("256"))
        #expect(problem.message(in: .fr).contains("ligne 2"))
    }

    @Test func cellsAreCountedWithThePaddingTheirRowsNeed() throws {
        // 8,000 rows of one value in column IU (the 255th): 2,040,000 cells once padded.
        var sheet = Self.header
        for row in 1...8_000 { sheet += #"<row r="\#(row)"><c r="IU\#(row)"><v>1</v></c></row>"# }
        let problem = try #require(Self.problem(try Self.workbook(sheet: sheet + Self.footer)))
        #expect(problem.reason == .file(CSVError(line: 1, reason: .workbookCells(max: 2_000_000))))
        #expect(problem.message(in: .fr).contains("2000000"))
    }

    @Test func aSharedTextLongerThanExcelAllowsIsRefused() throws {
        let strings = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"# + String(repeating: "a", count: 40_000) + "</t></si></sst>"
        let sheet = Self.header + #"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"# + Self.footer
        let problem = try #require(Self.problem(try Self.workbook(sheet: sheet, sharedStrings: strings)))
        #expect(problem.reason == .file(CSVError(line: 1, reason: .workbookStrings(max: 1_000_000, length: 32_767))))
        #expect(problem.message(in: .en).contains("32767"))
    }

    @Test func aDocumentTypeWithEntitiesIsRefused() throws {
        let sheet =
            #"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>"#
            + #"<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>"#
        let problem = try #require(Self.problem(try Self.workbook(sheet: sheet)))
        #expect(problem.reason == .file(CSVError(line: 1, reason: .unreadableWorkbook)))
    }

    @Test func sharedStringsPrefixedNamesAndPhoneticGuidesReadAsExcelShowsThem() throws {
        let strings = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>matricule</t></si><si><r><t>MCE-</t></r><r><t>7</t></r><rPh><t>ignored</t></rPh></si></sst>"#
        let sheet =
            #"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>"#
            + #"<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>nom</x:t></x:is></x:c></x:row>"#
            + #"<x:row r="3"><x:c r="A3" t="s"><x:v>1</x:v></x:c><x:c r="B3" s="2"/><x:c r="C3" t="str"><x:f>UPPER("k")</x:f><x:v>K</x:v></x:c></x:row>"#
            + "</x:sheetData></x:worksheet>"
        let records = try SheetFile.records(try Self.workbook(sheet: sheet, sharedStrings: strings), workbooks: XLSXSheetReader()).records
        #expect(records.map(\.line) == [1, 3])
        #expect(records.map(\.fields) == [["matricule", "", "nom"], ["MCE-7", "", "K"]])
    }
}
