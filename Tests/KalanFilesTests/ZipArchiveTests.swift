import Foundation
import KalanCore
import KalanFiles
import KalanTestSupport
import Testing
import ZIPFoundation

/// Issue 22: ZIP archives are written by ZIPFoundation (no hand-made writer with a 16-bit entry
/// count): what is written reads back, with ZIPFoundation and with Python's own zipfile.
@Suite("ZIP archives")
struct ZipArchiveTests {
    static func entries() -> [(name: String, data: Data)] {
        var generator = SystemRandomNumberGenerator()
        return (0..<40).map { index in
            let name = ZipArchive.safeFileName("MCE-\(index) N'Diaye Djénéba Ag Ilyène", extension: "pdf")
            return (name, Data((0..<(index * 997)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        } + [("empty.txt", Data())]
    }

    @Test func whatIsWrittenReadsBackWithZIPFoundation() throws {
        let entries = Self.entries()
        var archive = ZipArchive()
        for (name, data) in entries { archive.add(name: name, data: data) }
        let bytes = try archive.data()
        let read = try Archive(data: bytes, accessMode: .read)
        let names = read.map(\.path)
        #expect(names == entries.map(\.name), "in order, UTF-8 names intact")
        for (name, data) in entries {
            let entry = try #require(read[name])
            var back = Data()
            _ = try read.extract(entry, skipCRC32: false) { back.append($0) }
            #expect(back == data, "\(name)")
        }
        #expect(try archive.data() == bytes, "the same files make the same archive")
    }

    @Test func pythonsZipfileFindsEveryEntryIntact() async throws {
        var archive = ZipArchive()
        let entries = Self.entries()
        for (name, data) in entries { archive.add(name: name, data: data) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-zip-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try archive.data().write(to: file)
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                bad = z.testzip()
                print("bad" if bad else "ok", len(z.namelist()), z.namelist()[0])
            """
        let result = try await KalanProcess.run(program: "/usr/bin/env", ["python3", "-c", script, file.path])
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok \(entries.count) \(entries[0].name)")
    }

    @Test func aWorkbookIsAZipOfItsParts() throws {
        let workbook = XLSXWorkbook(sheets: [.init(name: "Cohortes", rows: [[.text("Cours"), .text("Effectif")], [.text("CYB-5G"), .number(12)]])])
        let read = try Archive(data: try workbook.data(), accessMode: .read)
        let names = Set(read.map(\.path))
        #expect(names.isSuperset(of: ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]), "\(names)")
    }
}
