import Foundation
import KalanCore
import Testing

@Suite("Message catalogue: French and English side by side")
struct MessagesTests {
    @Test func everyKeyExistsInBothLanguagesWithTheSamePlaceholders() {
        let fr = Messages.keys(.fr), en = Messages.keys(.en)
        #expect(fr.count > 300, "the catalogue loaded")
        #expect(fr.subtracting(en).sorted() == [], "keys only in French")
        #expect(en.subtracting(fr).sorted() == [], "keys only in English")
        func placeholders(_ text: String) -> Set<String> { Set(text.matches(of: /\{([a-z_]+)\}/).map { String($0.1) }) }
        for key in fr.intersection(en) {
            let a = placeholders(Messages.text(key, .fr)), b = placeholders(Messages.text(key, .en))
            #expect(a == b, "placeholders of \(key) differ: \(a) / \(b)")
        }
    }

    /// A translator reads `{seconds}`, not `{string_format_1f_date_ti}` (issue 20).
    @Test func placeholdersAreWordsATranslatorUnderstands() {
        let machine = /rawvalue|string_format|filter|isnew|_count|fullname|staffnumber|sessioncode/
        for key in Messages.keys(.fr) {
            for match in Messages.text(key, .fr).matches(of: /\{([a-z0-9_]+)\}/) {
                #expect(String(match.1).firstMatch(of: machine) == nil, "\(key): placeholder {\(match.1)} is a code name")
            }
        }
    }

    /// French pages speak French: fields by their label, a date pattern as the French write it,
    /// a password's length in characters, a signature failure in words (issue 20).
    @Test func frenchMessagesLeakNoCodeOrEnglish() {
        let order = KalanError.invalid(field: "ends_on", problem: .order(mustFollow: "starts_on")).message(in: .fr)
        #expect(!order.contains("starts_on") && order.contains("Début"), "\(order)")
        let date = KalanError.invalid(field: "day", problem: .format(.date)).message(in: .fr)
        #expect(date.contains("AAAA-MM-JJ") && !date.contains("YYYY"), "\(date)")
        let password = KalanError.invalid(field: "password", problem: .range(min: 10, max: 72)).message(in: .fr)
        #expect(password.contains("caractères"), "\(password)")
        let automatic = "Inscription non réussie à la clôture des résultats / Enrolment not completed when results were closed"
        #expect(ResultsRecording.revocationReason(automatic, in: .fr) == "Inscription non réussie à la clôture des résultats")
        #expect(ResultsRecording.revocationReason(automatic, in: .en) == "Enrolment not completed when results were closed")
        #expect(ResultsRecording.revocationReason("erreur de saisie / typo", in: .fr) == "erreur de saisie / typo")
        #expect(Messages.text("verify.failure.badSignature", .fr).contains("modifié après sa signature"))
    }

    @Test func everyCodeHasANameInBothLanguages() {
        for language in Language.allCases {
            let names =
                SessionStatus.allCases.map { ("session.status", $0.rawValue, $0.name(in: language)) }
                + EnrolmentStatus.allCases.map { ("enrolment.status", $0.rawValue, $0.name(in: language)) }
                + AttendanceStatus.allCases.map { ("attendance", $0.rawValue, $0.name(in: language)) }
                + Role.allCases.map { ("role", $0.rawValue, $0.name(in: language)) }
                + CohortDimension.allCases.map { ("dimension", $0.rawValue, $0.name(in: language)) }
                + DeliveryMode.allCases.map { ("delivery_mode", $0.rawValue, $0.name(in: language)) }
                + PartnerKind.allCases.map { ("partner_kind", $0.rawValue, $0.name(in: language)) }
                + AssessmentKind.allCases.map { ("assessment", $0.rawValue, $0.name(in: language)) }
            for (section, code, name) in names {
                #expect(name != "\(section).\(code)", "no \(language) name for \(section).\(code)")
            }
        }
        #expect(SessionStatus.inProgress.name(in: .fr) == "en cours")
        #expect(EnrolmentStatus.completed.name(in: .en) == "completed")
        #expect(Names.domain("cybersecurity", .fr) == "cybersécurité")
        #expect(Names.city("Tehran", .fr) == "Téhéran")
    }

    @Test func numbersAndDatesAsEachLanguageWritesThem() throws {
        #expect(Format.number(28.1, .fr) == "28,1")
        #expect(Format.number(28.1, .en) == "28.1")
        #expect(Format.number(75, .fr) == "75")
        #expect(Format.percent(0.281, decimals: 1, .fr) == "28,1 %")
        #expect(Format.percent(0.5, .en) == "50%")
        let day = try #require(Day("2026-11-28"))
        #expect(Format.day(day, .fr) == "28 novembre 2026")
        #expect(Format.day(day, .en) == "28 November 2026")
        #expect(Format.day(try #require(Day("2026-03-01")), .fr) == "1er mars 2026")
        #expect(Format.shortDay(day, .fr) == "28/11/2026")
        #expect(Format.period("2025-Q2", .fr) == "T2 2025")
        #expect(Format.period("2025-Q2", .en) == "Q2 2025")
        #expect(Format.period("2025-03", .fr) == "mars 2025")
        #expect(CohortTable.text(.decimal(28.1), language: .fr) == "28,1")
    }

    @Test func errorsNameTheFieldAsPeopleKnowIt() {
        #expect(KalanError.invalid(field: "staff", problem: .required).message(in: .fr) == "Matricules : obligatoire")
        #expect(KalanError.invalid(field: "post.MCE-1", problem: .range(min: 0, max: 100)).message(in: .en) == "post-test MCE-1: must be between 0 and 100")
        #expect(KalanError.rule(.sessionNotOpen(session: "S-1", status: .cancelled)).message(in: .fr).contains("annulée"))
        #expect(!KalanError.rule(.transition(from: .noShow, to: .enrolled)).message(in: .fr).contains("no_show"))
    }
}
