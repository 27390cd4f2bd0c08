import Foundation
import KalanCore
import KalanFiles
import Testing

@Suite("Staff files as people send them: Windows-1252 from French Excel, UTF-16, .xlsx; unknown columns warned")
struct SheetFileTests {
    /// French Excel's "CSV (séparateur: point-virgule)": Windows-1252, with a curly apostrophe (0x92) and an Œ (0x8C).
    static func windows1252() -> Data {
        var data = Data("Matricule;Prénom;Nom;Sexe;Direction;Remarques\r\n".unicodeScalars.map { UInt8($0.value) })
        data.append(contentsOf: "MCE-001;Aminata;Touré;F;DNT;à revoir\r\n".unicodeScalars.map { UInt8($0.value) })
        data.append(contentsOf: Array("MCE-002;Djénéba;N".unicodeScalars.map { UInt8($0.value) }) + [0x92] + Array("Diaye;F;télécoms;\r\n".unicodeScalars.map { UInt8($0.value) }))
        data.append(contentsOf: Array("MCE-003;".utf8) + [0x8C] + Array("dile;Ma".utf8) + [0xEF] + Array("ga;M;;\r\n".utf8))
        return data
    }

    @Test func aWindows1252FileIsDetectedAndConvertedNotMojibake() throws {
        let reading = TraineeSheet.sheet(Self.windows1252())
        #expect(reading.source == .windows1252)
        #expect(reading.problems.isEmpty)
        #expect(reading.rows.map(\.familyName) == ["Touré", "N\u{2019}Diaye", "Maïga"])
        #expect(reading.rows.map(\.givenName) == ["Aminata", "Djénéba", "Œdile"])
        #expect(!reading.rows.contains { $0.familyName.contains("Ã") || $0.givenName.contains("Ã") })
        // The department column keeps what the file says (a code or a name): matched at import.
        #expect(reading.rows[1].departmentCode == "télécoms")
    }

    @Test func unknownColumnsAreIgnoredAndReportedAsTheHeaderSaysThem() throws {
        let reading = TraineeSheet.sheet(Self.windows1252())
        #expect(reading.warnings == [ImportProblem(line: 1, column: "Remarques", value: nil, reason: .unknownColumn)])
        let summary = { () -> TraineeImportSummary in
            var s = TraineeImportSummary(inserted: 3, updated: 0, unchanged: 0, unknownDepartments: [])
            s.warnings = reading.warnings
            s.source = reading.source
            return s
        }()
        #expect(summary.notes(in: .fr).contains("Colonne « Remarques » inconnue : ignorée."))
        #expect(summary.notes(in: .en).first == "File read as Windows-1252 (Excel) and converted to Unicode.")
    }

    @Test func problemsNameTheColumnAsTheFileHeaderSaysIt() {
        let text = "Matricule;Prénom;Nom;Sexe\nMCE-1;Awa;Keïta;X\n"
        #expect(TraineeSheet.read(Data(text.utf8)).problems == [ImportProblem(line: 2, column: "Sexe", value: "X", reason: .format(.sex))])
    }

    @Test func aUTF16FileWithItsBOMIsRead() throws {
        let text = "matricule\tprénom\tnom\tsexe\nMCE-1\tAssétou\tSangaré\tF\n"
        var data = Data([0xFF, 0xFE])
        for unit in text.utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let reading = TraineeSheet.sheet(data)
        #expect(reading.source == .utf16 && reading.rows.first?.familyName == "Sangaré")
    }

    @Test func anXLSXWorkbookIsReadFromItsFirstSheet() throws {
        let workbook = XLSXWorkbook(sheets: [
            .init(
                name: "Personnel",
                rows: [
                    [.text("Matricule"), .text("Prénom"), .text("Nom"), .text("Sexe"), .text("Direction"), .text("Note")],
                    [.text("MCE-2019-00123"), .text("Moussa"), .text("Sylla"), .text("M"), .text("DNT"), .text("x")],
                    [.text("MCE-2019-00124"), .text("Fatoumata"), .text("Traoré"), .text("F"), .empty, .number(3)],
                ]),
            .init(name: "Other", rows: [[.text("not"), .text("read")]]),
        ])
        let reading = TraineeSheet.sheet(try workbook.data(), workbooks: XLSXSheetReader())
        #expect(reading.source == .xlsx)
        #expect(reading.problems.isEmpty)
        #expect(reading.rows.map(\.staffNumber) == ["MCE-2019-00123", "MCE-2019-00124"])
        #expect(reading.rows[1].familyName == "Traoré" && reading.rows[1].departmentCode == nil && reading.rows[0].departmentCode == "DNT")
        #expect(reading.warnings.map(\.column) == ["Note"])
    }

    @Test func aBrokenWorkbookIsRefusedWithAClearMessage() {
        let broken = Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0])
        let problems = TraineeSheet.read(broken, workbooks: XLSXSheetReader()).problems
        #expect(problems.count == 1)
        #expect(problems.first?.message(in: .en).contains(".xlsx") == true)
    }
}
