import Foundation
import KalanCore
import KalanFiles
import Testing

@Suite("Names and text refuse characters that disguise them; every script's letters pass")
struct DisguisingCharactersTests {
    @Test func validatedTextRefusesOverridesAndZeroWidthSpaces() throws {
        for hidden in ["\u{202E}", "\u{2066}", "\u{200B}", "\u{200F}", "\u{FEFF}"] {
            #expect(throws: KalanError.invalid(field: "reason", problem: .controlCharacters)) {
                try Validate.text("erreur\(hidden)de saisie", field: "reason")
            }
        }
        #expect(try Validate.text("Fatoumata N'Diaye", field: "reason") == "Fatoumata N'Diaye")
        // Persian writes names with the zero-width non-joiner; N'Ko and Arabic letters are letters.
        #expect(try Validate.text("مهرداد\u{200C}زاده", field: "reason") != nil)
        #expect(try Validate.text("ߒߞߏ", field: "reason") == "ߒߞߏ")
        #expect(KalanError.invalid(field: "reason", problem: .controlCharacters).message(in: .fr).contains("invisible"))
    }

    @Test func anImportedNameWithADirectionOverrideIsReportedOnItsLine() {
        let csv = "matricule;prénom;nom;sexe\r\nMCE-1;Awa;Keïta\u{202E}ognaT;F\r\nMCE-2;محمد;الأنصاري;M\r\nMCE-3;ߊ߬ߡߊ߬ߘߎ;ߕߙߊߐߙߋ;M\r\n"
        let (rows, problems) = TraineeSheet.read(Data(csv.utf8))
        #expect(problems.map(\.line) == [2] && problems.first?.column == "nom")
        #expect(rows.map(\.staffNumber).contains("MCE-2") && rows.map(\.staffNumber).contains("MCE-3"), "Arabic and N'Ko names pass")
    }

    /// Issue 21: every default-ignorable code point and every format character, not only a list.
    @Test func everyDefaultIgnorableAndFormatCharacterIsRefused() throws {
        let hidden = ["\u{2063}", "\u{3164}", "\u{00AD}", "\u{E0041}", "\u{180E}", "\u{115F}", "\u{FFA0}", "\u{2064}", "\u{034F}", "\u{FE0F}", "\u{1D173}"]
        for character in hidden {
            #expect(throws: KalanError.invalid(field: "name", problem: .controlCharacters), "U+\(String(character.unicodeScalars.first!.value, radix: 16))") {
                try Validate.text("Awa\(character)Keïta", field: "name")
            }
        }
        // The joiners stay where a script needs them, and only there.
        #expect(try Validate.text("مهرداد\u{200C}زاده", field: "name") != nil)
        #expect(try Validate.text("क्\u{200D}ष", field: "name") != nil, "after a virama")
        for misplaced in ["\u{200D}Awa", "Awa\u{200C}", "Aw\u{200C}a", "Awa \u{200D}Keïta", "ب\u{200C}\u{200C}ب"] {
            #expect(throws: KalanError.invalid(field: "name", problem: .controlCharacters), "\(misplaced.unicodeScalars.map { $0.value })") {
                try Validate.text(misplaced, field: "name")
            }
        }
    }

    @Test func importedNamesAndPositionsRefuseThemOnTheirLine() {
        let csv = "matricule;prénom;nom;sexe;poste\r\nMCE-1;Awa;Kei\u{2063}ta;F;Chef\r\nMCE-2;Moussa;Sylla;M;Chef \u{202E}ecivres\r\nMCE-3;Mehrdad;مهرداد\u{200C}زاده;M;Ingénieur\r\n"
        let (rows, problems) = TraineeSheet.read(Data(csv.utf8))
        #expect(problems.map(\.line) == [2, 3])
        #expect(problems.map(\.column) == ["nom", "poste"])
        #expect(problems.last?.message(in: .en).contains("invisible") == true)
        #expect(rows.map(\.staffNumber) == ["MCE-3"])
    }

    /// A person's name, whatever it holds, makes a safe name for a ZIP member.
    @Test func archiveMemberNamesAreSafeWhateverTheName() {
        for (family, given) in [("../../etc", "passwd"), ("..", ".."), ("a/b\\c", "C:evil"), ("Kei\u{202E}ta", "A\u{0}wa"), (String(repeating: "Ké", count: 200), "x")] {
            let name = ZipArchive.safeFileName("MCE-1 \(family) \(given)", extension: "pdf")
            #expect(!name.contains("/") && !name.contains("\\") && !name.contains("..") && !name.contains(":"), "\(name)")
            #expect(!name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
            #expect(name.hasSuffix(".pdf") && name.utf8.count <= 154 && !name.hasPrefix("."))
        }
        #expect(ZipArchive.safeFileName("MCE-1 Traoré Fatoumata", extension: "pdf") == "MCE-1 Traoré Fatoumata.pdf")
    }

    /// A spreadsheet reads ＝ ＋ － ＠ (full-width, small) as = + - @: defused like them.
    @Test func fullWidthAndSmallFormulaSignsAreDefusedInCSV() {
        for cell in ["＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", "﹢1", "﹣1", "−1", " =1+1", "\t=1", "\u{200B}=1"] {
            #expect(CSVWriter.field(cell).hasPrefix("'") || CSVWriter.field(cell).hasPrefix("\"'"), "\(cell.unicodeScalars.map { $0.value })")
        }
        #expect(CSVWriter.field("-5") == "-5" && CSVWriter.field("Awa") == "Awa" && CSVWriter.field("Ａwa") == "Ａwa")
    }
}
