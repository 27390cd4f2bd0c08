import Foundation
import KalanCore
import Testing

@testable import KalanNotices

/// The words of the cooperation notices (issue 27): addressed to the head and HR in their own right.
@Suite("Notice words: overdue file abroad, released offer")
struct CooperationNoticeTextTests {
    static func notice(_ kind: NoticeKind, _ recipient: NoticeRecipient, _ channel: NoticeChannel, language: Language = .fr) -> Notice {
        var facts = NoticeFacts(
            session: "S-IR", courseFR: "Réseaux 5G", courseEN: "5G networks", startsOn: Day("2027-06-10")!, endsOn: Day("2027-06-20")!, mode: "in_person",
            city: "Tehran", country: "IR", partner: "ITRC")
        (facts.staffNumber, facts.givenName, facts.familyName) = ("T-21", "Awa", "Keïta")
        (facts.dueOn, facts.offer, facts.places) = (Day("2027-05-30")!, "IR-1", 2)
        return Notice(
            id: 1, kind: kind, recipient: recipient, channel: channel, address: channel == .sms ? "+22370000001" : "chef@example.ml", recipientName: "Mme Diallo",
            language: language, sessionID: UUID(), enrolmentID: nil, traineeID: nil, facts: facts, status: .pending, attempts: 0, nextAttemptAt: Date(),
            lastError: nil, createdAt: Date(), sentAt: nil)
    }

    @Test func theHeadAndHRReadWhoIsLateSinceWhenAndTheHeadHowManyPlacesWent() {
        let now = Date()
        let head = NoticeText.content(of: Self.notice(.abroadOverdue, .head, .email), publicURL: "http://test", organizer: "kalan@example.ml", now: now)
        #expect(head.subject == "Retour non constaté : Awa Keïta (S-IR)")
        #expect(head.text.contains("Awa Keïta (matricule T-21) devait reprendre le service le 30 mai 2027"), "\(head.text)")
        #expect(!head.text.contains("Copie pour information") && head.invitation == nil)
        let hr = NoticeText.content(of: Self.notice(.abroadOverdue, .hr, .email, language: .en), publicURL: "http://test", organizer: "k@example.ml", now: now)
        #expect(hr.text.contains("was due back on duty on") && hr.text.contains("Session S-IR"), "\(hr.text)")
        let sms = NoticeText.content(of: Self.notice(.offerReleased, .head, .sms), publicURL: "http://test", organizer: "k@example.ml", now: now).sms
        #expect(sms == "MCENMA : offre IR-1, les 2 place(s) non utilisée(s) par votre service vont à la liste d'attente générale.")
    }
}
