import Foundation
import KalanCore
import Testing

@Suite("Spreadsheets: Excel exports read right, every bad line reported")
struct SpreadsheetTests {
    /// An Excel "CSV UTF-8" export: BOM, semicolons, CRLF, French headers, accents.
    static let messy =
        "\u{FEFF}Matricule;Prénom;Nom;Sexe;Catégorie;Poste;Direction;Courriel;Téléphone\r\n"
        + "MCE-001;Aminata;Touré;F;A;\"Chef de division; réseaux\";DNT;aminata.toure@communication.gouv.ml;+223 76 12 34 56\r\n"
        + "MCE-002;Mohamed;Ag Ilyène;Homme;B1;Technicien;DNT;;\r\n"
        + "MCE-003;Djénéba;N'Diaye;X;A;Journaliste;ORTM;djeneba@ortm.ml;\r\n"
        + "MCE-004;\"Oumar\";\"Maïga\";m;c;\"Poste sur\r\ndeux lignes\";DNT;;\r\n"

    @Test func readsBOMSemicolonsCRLFAndQuotedSeparatorsAndNewlines() throws {
        let records = try CSVReader.read(Data(Self.messy.utf8))
        #expect(records.count == 5)
        #expect(records[0].fields[1] == "Prénom")
        #expect(records[1].fields[5] == "Chef de division; réseaux")
        #expect(records[4].fields[5] == "Poste sur\r\ndeux lignes")
        #expect(records.map(\.line) == [1, 2, 3, 4, 5])
    }

    @Test func lineNumbersCountPhysicalLinesAfterAMultiLineField() throws {
        let text = "a,b\n1,\"x\ny\nz\"\n2,w\n"
        #expect(try CSVReader.read(Data(text.utf8)).map(\.line) == [1, 2, 5])
    }

    @Test func unterminatedQuoteAndInvalidUTF8AreReportedWithTheirLine() {
        #expect(throws: CSVError(line: 2, reason: .unterminatedQuote)) { try CSVReader.read(Data("a,b\n\"1,2\n3,4\n".utf8)) }
        var latin1 = Data("nom,prenom\nTour".utf8)
        latin1.append(0xE9)
        latin1.append(contentsOf: Array(",Awa\n".utf8))
        #expect(throws: CSVError(line: 2, reason: .invalidUTF8)) { try CSVReader.read(latin1) }
    }

    @Test func messyFileWithOneBadLineReportsExactlyThatLineAndColumn() {
        let (rows, problems) = TraineeSheet.read(Data(Self.messy.utf8))
        // The column as the file's own header names it (issue 12).
        #expect(problems == [ImportProblem(line: 4, column: "Sexe", value: "X", reason: .format(.sex))])
        #expect(rows.map(\.staffNumber) == ["MCE-001", "MCE-002", "MCE-004"])
        #expect(rows[1].familyName == "Ag Ilyène" && rows[1].sex == .male && rows[1].email == nil)
        #expect(rows[2].category == "C" && rows[2].familyName == "Maïga")
    }

    @Test func englishHeadersMapAndUnknownOrMissingColumnsAreNamed() {
        let english = "Staff Number,First Name,Last Name,Gender,Department\nMCE-9,Awa,Keïta,female,AGETIC\n"
        let (rows, problems) = TraineeSheet.read(Data(english.utf8))
        #expect(problems.isEmpty && rows.first?.sex == .female && rows.first?.departmentCode == "AGETIC")
        let typo = "matricule,prenom,nom,sexxe\nMCE-1,Awa,Keïta,F\n"
        let reading = TraineeSheet.sheet(Data(typo.utf8))
        // An unknown column is a warning (issue 12); the missing required one refuses the file.
        #expect(reading.warnings.contains(ImportProblem(line: 1, column: "sexxe", value: nil, reason: .unknownColumn)))
        #expect(reading.problems.contains(ImportProblem(line: 1, column: "sex", value: nil, reason: .missingColumn)))
    }

    @Test func everyBadFieldOfEveryLineIsReported() {
        let text =
            "matricule,prenom,nom,sexe,courriel,telephone,actif\n"
            + "MCE-1,Awa,Keïta,F,pas-un-mail,abc,peut-être\n"
            + "MCE-1,'; DROP TABLE trainee; --,<script>,M,,,\n"
            + ",Moussa,Diarra,M,,,\n"
        let problems = TraineeSheet.read(Data(text.utf8)).problems
        // Each column as the file's header names it (issue 12).
        #expect(problems.map { "\($0.line!):\($0.column!)" } == ["2:courriel", "2:telephone", "2:actif", "3:matricule", "3:prenom", "3:nom", "4:matricule"])
        #expect(problems[3].reason == .duplicate(firstLine: 2))
        #expect(problems[3].message(in: .fr) == "matricule déjà présent ligne 2")
    }

    @Test func namesAreNormalisedToNFCAndSpacesCollapsed() {
        let text = "matricule,prenom,nom,sexe\nMCE-1,  Ass\u{65}\u{301}tou ,  Sangar\u{65}\u{301}   Diallo ,F\n"
        let row = TraineeSheet.read(Data(text.utf8)).rows.first
        #expect(row?.givenName == "Assétou")
        #expect(row?.familyName == "Sangaré Diallo")
        #expect(row?.givenName.unicodeScalars.count == 7)
    }

    @Test func reportIsReadableInBothLanguages() {
        let rejected = ImportRejected(problems: TraineeSheet.read(Data(Self.messy.utf8)).problems)
        #expect(rejected.report(in: .fr).contains("rien n'a été enregistré"))
        #expect(rejected.report(in: .en).contains("4     Sexe"))
    }
}
