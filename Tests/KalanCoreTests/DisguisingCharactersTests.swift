import Foundation
import KalanCore
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
}
