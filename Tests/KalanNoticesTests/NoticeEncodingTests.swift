import Foundation
import KalanCore
import Testing

@testable import KalanNotices

/// What goes on the wire: SMS alphabets and lengths, MIME headers and parts, calendar invitations.
@Suite struct NoticeEncodingTests {
    @Test func frenchWithGSMAccentsStaysGSM() {
        #expect(GSMAlphabet.coding(for: "Place confirmée à Bamako, dès le 3") == .gsm7)
        #expect(GSMAlphabet.septets("é€") == 3)
        // ê, ç and ï are not in the GSM default alphabet: UCS-2.
        #expect(GSMAlphabet.coding(for: "vous êtes") == .ucs2)
        #expect(GSMAlphabet.coding(for: "Maïga") == .ucs2)
        #expect(GSMAlphabet.coding(for: "leçon") == .ucs2)
    }

    @Test func partsFollowTheAlphabet() {
        #expect(GSMAlphabet.parts(String(repeating: "a", count: 160)) == 1)
        #expect(GSMAlphabet.parts(String(repeating: "a", count: 161)) == 2)
        #expect(GSMAlphabet.parts(String(repeating: "a", count: 306)) == 2)
        #expect(GSMAlphabet.parts(String(repeating: "ê", count: 70)) == 1)
        #expect(GSMAlphabet.parts(String(repeating: "ê", count: 71)) == 2)
        let long = String(repeating: "ê", count: 400)
        let fitted = GSMAlphabet.fitted(long, maxParts: 3)
        #expect(GSMAlphabet.parts(fitted) == 3 && fitted.hasSuffix("…") && fitted.utf16.count == 201)
        let gsm = GSMAlphabet.fitted(String(repeating: "e", count: 600), maxParts: 3)
        #expect(gsm.hasSuffix("...") && GSMAlphabet.coding(for: gsm) == .gsm7 && gsm.count == 459)
    }

    @Test func kannelURLCarriesUCS2AsUTF16BigEndian() throws {
        let gateway = SMSGateway(settings: try #require(SMSSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms?username=kalan&password=p%2Bw&from=MCENMA")))
        let ucs2 = gateway.requestURL(to: "+223 76 00 00 01", text: "Maïga")
        #expect(ucs2.contains("to=%2B22376000001"))
        #expect(ucs2.contains("coding=2") && ucs2.contains("charset=UTF-16BE"))
        #expect(ucs2.contains("text=%00M%00a%00%EF%00g%00a"))
        #expect(ucs2.contains("password=p%2Bw"))
        let gsm = gateway.requestURL(to: "70000000", text: "Place confirmée")
        #expect(gsm.contains("coding=0") && gsm.contains("charset=UTF-8") && gsm.contains("text=Place%20confirm%C3%A9e"))
    }

    @Test func headersAreEncodedWordsAndBodiesBase64() throws {
        let message = MIMEMessage(
            from: ("DRH", "drh@mcenma.ml"), to: ("Aïssata Maïga", "a@x.ml"), subject: "Place confirmée : Réseaux 5G", text: "Bonjour\n.point", html: "<p>x</p>",
            attachments: [.init(filename: "invitation.ics", contentType: "text/calendar; method=REQUEST", bytes: Array("BEGIN:VCALENDAR".utf8))],
            date: Date(timeIntervalSince1970: 0), messageID: "notice-1@mcenma.ml"
        ).rendered(boundarySeed: "B")
        #expect(message.contains("Subject: =?UTF-8?B?\(Data("Place confirmée : Réseaux 5G".utf8).base64EncodedString())?="))
        #expect(message.contains("To: =?UTF-8?B?\(Data("Aïssata Maïga".utf8).base64EncodedString())?= <a@x.ml>"))
        #expect(message.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(message.contains("Content-Type: multipart/mixed; boundary=\"mixed-B\""))
        #expect(message.contains(Data("BEGIN:VCALENDAR".utf8).base64EncodedString()))
        #expect(!message.contains("\n") || message.components(separatedBy: "\n").allSatisfy { $0.isEmpty || $0.hasSuffix("\r") || $0 == message.components(separatedBy: "\n").last })
        #expect(MIMEMessage.dotStuffed("a\r\n.b\r\n..c") == "a\r\n..b\r\n...c")
        // A long subject: several encoded words, each at most 75 characters.
        let long = MIMEMessage.encodedWords(String(repeating: "é", count: 80), used: 9)
        #expect(long.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") })
    }

    @Test func invitationKeepsItsUIDAndFoldsLongLines() throws {
        let day = try #require(Day("2026-12-14"))
        let invitation = CalendarInvitation(
            method: .request, uid: "abc@mcenma.ml", sequence: 2, summary: "Formation : Réseaux 5G, cœur; radio", description: String(repeating: "é", count: 60),
            location: "Bamako (Mali)", startsOn: day, endsOn: Day(ordinal: day.ordinal + 4), organizer: "drh@mcenma.ml", attendee: ("Aïssata Maïga", "a@x.ml"),
            stamp: Date(timeIntervalSince1970: 86_400 + 3661))
        let text = invitation.text
        #expect(text.contains("METHOD:REQUEST\r\n") && text.contains("UID:abc@mcenma.ml\r\n") && text.contains("SEQUENCE:2\r\n"))
        #expect(text.contains("DTSTART;VALUE=DATE:20261214\r\nDTEND;VALUE=DATE:20261219\r\n"))
        #expect(text.contains("DTSTAMP:19700102T010101Z"))
        #expect(text.contains("SUMMARY:Formation : Réseaux 5G\\, cœur\\; radio"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        var cancel = invitation
        cancel.method = .cancel
        #expect(cancel.text.contains("METHOD:CANCEL") && cancel.text.contains("STATUS:CANCELLED"))
    }

    @Test func smtpURLNamesRelaySecurityAndSender() throws {
        let settings = try #require(SMTPSettings(url: "smtp://drh%40x:p%40ss@relay.gouv.ml:2525?starttls=true&from=drh@gouv.ml&name=DRH"))
        #expect(settings.host == "relay.gouv.ml" && settings.port == 2525 && settings.security == .startTLS)
        #expect(settings.username == "drh@x" && settings.password == "p@ss" && settings.from == "drh@gouv.ml" && settings.fromName == "DRH")
        #expect(SMTPSettings(url: "smtp://relay.gouv.ml") == nil)
        #expect(SMTPSettings(url: "smtps://relay.gouv.ml?from=a@b.ml")?.port == 465)
    }

    @Test func noticeWordsAreFrenchByDefaultAndShortForSMS() throws {
        var facts = NoticeFacts(
            session: "S-5G-01", courseFR: "Réseaux 5G", courseEN: "5G networks", startsOn: try #require(Day("2026-12-14")), endsOn: try #require(Day("2026-12-18")),
            mode: "in_person", city: "Bamako", country: "ML", partner: "Institut", sequence: 1)
        facts.enrolment = UUID()
        facts.givenName = "Aïssata"
        facts.familyName = "Maïga"
        let notice = Notice(
            id: 7, kind: .enrolled, recipient: .trainee, channel: .email, address: "a@x.ml", recipientName: "Aïssata Maïga", language: .fr, sessionID: UUID(),
            enrolmentID: facts.enrolment, traineeID: UUID(), facts: facts, status: .pending, attempts: 0, nextAttemptAt: Date(), lastError: nil, createdAt: Date(),
            sentAt: nil)
        let content = NoticeText.content(of: notice, publicURL: "https://kalan.ml", organizer: "drh@mcenma.ml", now: Date())
        #expect(content.subject == "Place confirmée : Réseaux 5G")
        #expect(content.text.contains("Bonjour Aïssata Maïga,") && content.text.contains("14 décembre 2026"))
        #expect(content.invitation?.method == .request && content.invitation?.sequence == 1)
        var sms = notice
        sms.channel = .sms
        let short = NoticeText.content(of: sms, publicURL: "https://kalan.ml", organizer: "drh@mcenma.ml", now: Date()).sms
        #expect(short.contains("14/12/2026") && GSMAlphabet.parts(short) <= 3)
        var english = notice
        english.language = .en
        #expect(NoticeText.content(of: english, publicURL: "", organizer: "d@m.ml", now: Date()).subject == "Seat confirmed: 5G networks")
    }
}
