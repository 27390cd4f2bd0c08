import Foundation
import KalanCore
import Testing

@testable import KalanNotices

/// The words of issue 26's notices: the sign-in code (nothing but the code), the declined
/// application, the evaluation asked for.
@Suite("Notice words: sign-in code, declined application, evaluation reminder")
struct StaffNoticeTextTests {
    static func notice(_ kind: NoticeKind, _ channel: NoticeChannel, language: Language = .fr) -> Notice {
        var facts = NoticeFacts(
            session: "S-5G", courseFR: "Réseaux 5G", courseEN: "5G networks", startsOn: Day("2027-06-10")!, endsOn: Day("2027-06-20")!, mode: "online",
            city: nil, country: nil, partner: "ITRC")
        (facts.staffNumber, facts.givenName, facts.familyName, facts.code, facts.reason) = ("T-21", "Awa", "Keïta", "042917", "Places réservées aux cadres A")
        return Notice(
            id: 1, kind: kind, recipient: .trainee, channel: channel, address: channel == .sms ? "+22370000001" : "awa@example.ml", recipientName: "Awa Keïta",
            language: language, sessionID: kind == .signInCode ? nil : UUID(), enrolmentID: nil, traineeID: nil, facts: facts, status: .pending, attempts: 0,
            nextAttemptAt: Date(), lastError: nil, createdAt: Date(), sentAt: nil)
    }

    @Test func theCodeAloneNoSessionNoInvitation() {
        let mail = NoticeText.content(of: Self.notice(.signInCode, .email), publicURL: "http://test", organizer: "k@example.ml", now: Date())
        #expect(mail.subject == "Votre code de connexion Kalan : 042917")
        #expect(mail.text.contains("042917") && !mail.text.contains("S-5G") && mail.invitation == nil)
        let sms = NoticeText.content(of: Self.notice(.signInCode, .sms, language: .en), publicURL: "http://test", organizer: "k@example.ml", now: Date()).sms
        #expect(sms == "MCENMA Kalan: your sign-in code is 042917 (valid 10 min, works once).")
        #expect(NoticeText.convocation(Self.notice(.signInCode, .email), signatory: nil, today: Day("2027-06-01")!) == nil)
    }

    @Test func aDeclinedApplicationSaysWhyAndTheReminderAsksForTheOpinion() {
        let declined = NoticeText.content(of: Self.notice(.applicationDeclined, .email), publicURL: "http://test", organizer: "k@example.ml", now: Date())
        #expect(declined.subject == "Candidature non retenue : Réseaux 5G")
        #expect(declined.text.contains("n'a pas été retenue") && declined.text.contains("Places réservées aux cadres A") && declined.invitation == nil)
        let reminder = NoticeText.content(of: Self.notice(.evaluationReminder, .email, language: .en), publicURL: "http://test", organizer: "k@example.ml", now: Date())
        #expect(reminder.subject == "Your opinion on 5G networks" && reminder.text.contains("anonymous"))
        let sms = NoticeText.content(of: Self.notice(.evaluationReminder, .sms), publicURL: "http://test", organizer: "k@example.ml", now: Date()).sms
        #expect(sms.contains("Réseaux 5G (S-5G)") && sms.count <= 160)
    }
}
