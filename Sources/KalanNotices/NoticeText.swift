import Foundation
import KalanCore
import KalanPrint

/// A notice's words, drawn from the catalogue (`notice.*`) in the recipient's language: the
/// e-mail's subject, text and HTML, the SMS, and the calendar invitation where the decision
/// gives, moves or takes away a place.
public struct NoticeContent: Sendable {
    public var subject: String
    public var text: String
    public var html: String
    public var sms: String
    public var invitation: CalendarInvitation?
}

public enum NoticeText {
    /// `publicURL`: where certificates are verified; `organizer`: the sender's address.
    public static func content(of notice: Notice, publicURL: String, organizer: String, now: Date) -> NoticeContent {
        let language = notice.language
        let facts = notice.facts
        let kind = notice.kind.rawValue
        let values = placeholders(notice, publicURL: publicURL)
        func t(_ key: String) -> String { Messages.text("notice.\(key)", language, values) }

        if notice.kind == .signInCode {
            // A code and nothing else: no session to describe, no copy, no invitation.
            let paragraphs = [t("greeting"), t("body.sign_in_code"), t("signature"), t("footer")]
            return NoticeContent(
                subject: t("subject.sign_in_code"), text: paragraphs.joined(separator: "\n\n") + "\n", html: html(paragraphs, language: language),
                sms: t("sms.sign_in_code"), invitation: nil)
        }
        var paragraphs: [String] = []
        switch notice.recipient {
        case .trainee: paragraphs.append(t("greeting"))
        case .head: paragraphs += notice.kind.addressesHead ? [t("greeting")] : [t("greeting"), t("head_copy")]
        case .hr: paragraphs.append(t("greeting"))
        case .trainer: paragraphs += [t("greeting"), t("trainer_intro")]
        }
        paragraphs.append(t("body.\(kind)"))
        var details = [t("session_line"), t("dates_line"), t("partner_line")]
        if let reason = facts.reason, !reason.isEmpty { details.append(t("reason")) }
        if notice.kind == .certified { details.append(t("verify")) }
        paragraphs.append(details.joined(separator: "\n"))
        if let roster = facts.roster, !roster.isEmpty { paragraphs.append(roster.map { "- \($0)" }.joined(separator: "\n")) }
        paragraphs += [t("signature"), t("footer")]

        var sms = t("sms.\(kind)")
        if let reason = facts.reason, !reason.isEmpty, notice.kind == .rejected || notice.kind == .withdrawn || notice.kind == .revoked {
            sms += t("sms_reason")
        }
        if notice.recipient == .head, !notice.kind.addressesHead, let colon = sms.range(of: ": ") {
            // The head's copy says whom it is about, in place of the sender's name.
            sms = t("sms_head") + sms[colon.upperBound...]
        }
        return NoticeContent(
            subject: t("subject.\(kind)"), text: paragraphs.joined(separator: "\n\n") + "\n", html: html(paragraphs, language: language),
            sms: sms, invitation: invitation(notice, values: values, organizer: organizer, now: now))
    }

    /// The invitation of a staff member's e-mail: REQUEST when they get or keep a seat on new dates,
    /// CANCEL when they lose it or the session is cancelled; nil for the other notices.
    static func invitation(_ notice: Notice, values: [String: String], organizer: String, now: Date) -> CalendarInvitation? {
        guard notice.recipient == .trainee, notice.channel == .email, let enrolment = notice.facts.enrolment else { return nil }
        let facts = notice.facts
        let method: CalendarInvitation.Method
        var sequence = facts.sequence
        switch notice.kind {
        case .enrolled, .promoted: method = .request
        case .sessionChanged where facts.status == "enrolled": method = .request
        case .sessionCancelled: method = .cancel
        case .withdrawn, .rejected:
            method = .cancel
            // A cancellation must not be older than the invitation it cancels.
            sequence += 1
        default: return nil
        }
        let language = notice.language
        let host = organizer.split(separator: "@").last.map(String.init) ?? "kalan"
        return CalendarInvitation(
            method: method, uid: "\(enrolment.uuidString.lowercased())@\(host)", sequence: sequence,
            summary: Messages.text("notice.calendar", language, values),
            description: Messages.text("notice.session_line", language, values) + "\n" + Messages.text("notice.partner_line", language, values),
            location: values["place"] ?? "", startsOn: facts.startsOn, endsOn: facts.endsOn, organizer: organizer,
            attendee: notice.address.map { (notice.recipientName, $0) }, stamp: now)
    }

    /// The convocation of a staff member's e-mail when the decision gives or keeps a seat (new dates too).
    public static func convocation(_ notice: Notice, signatory: String?, today: Day) -> ConvocationLetter? {
        guard notice.recipient == .trainee, notice.channel == .email else { return nil }
        switch notice.kind {
        case .enrolled, .promoted, .reminder: break
        case .sessionChanged where notice.facts.status == "enrolled": break
        default: return nil
        }
        let facts = notice.facts
        let values = placeholders(notice, publicURL: "")
        return ConvocationLetter(
            personName: facts.personName.isEmpty ? notice.recipientName : facts.personName, staffNumber: facts.staffNumber, session: facts.session,
            course: facts.course(notice.language), startsOn: facts.startsOn, endsOn: facts.endsOn, place: values["place"] ?? "", partner: facts.partner,
            signatory: signatory ?? Messages.text("notice.convocation.signatory", notice.language), issuedOn: today)
    }

    static func placeholders(_ notice: Notice, publicURL: String) -> [String: String] {
        let language = notice.language
        let facts = notice.facts
        let place: String
        if facts.mode == "online" {
            place = Messages.text("notice.online", language)
        } else {
            let country = facts.country.map { Names.country($0, language) } ?? ""
            place = Messages.text("notice.place", language, ["city": facts.city.map { Names.city($0, language) } ?? "", "country": country])
        }
        let short = notice.channel == .sms
        func day(_ day: Day) -> String { short ? Format.shortDay(day, language) : Format.day(day, language) }
        var values: [String: String] = [
            "name": notice.recipientName, "person": facts.personName, "staff_number": facts.staffNumber ?? "", "session": facts.session,
            "course": facts.course(language), "from": day(facts.startsOn), "to": day(facts.endsOn), "place": place, "partner": facts.partner,
            "position": facts.waitlistPosition.map(String.init) ?? "", "reason": facts.reason ?? "", "serial": facts.serial ?? "",
            "count": String(facts.roster?.count ?? 0),
            "url": "\(publicURL)/verify/\(facts.serial ?? "")",
        ]
        if let was = facts.wasStartsOn { values["was_from"] = day(was) }
        if let was = facts.wasEndsOn { values["was_to"] = day(was) }
        if let due = facts.dueOn { values["due_on"] = day(due) }
        if let offer = facts.offer { values["offer"] = offer }
        if let places = facts.places { values["places"] = String(places) }
        if let code = facts.code { values["code"] = code }
        if let change = facts.change { values["change"] = Messages.text("notice.change.\(change)", language) }
        return values
    }

    /// The same paragraphs as HTML, every text escaped.
    static func html(_ paragraphs: [String], language: Language) -> String {
        let body = paragraphs.map { "<p>" + escape($0).replacingOccurrences(of: "\n", with: "<br>\n") + "</p>" }.joined(separator: "\n")
        return "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\"></head><body>\n\(body)\n</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
