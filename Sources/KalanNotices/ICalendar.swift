import Foundation
import KalanCore

/// An iCalendar invitation (RFC 5545, iTIP RFC 5546) for one enrolment: the session's days as an
/// all-day event whose UID stays the enrolment's, so that a later REQUEST (higher SEQUENCE) moves
/// it in the person's calendar and a CANCEL removes it.
public struct CalendarInvitation: Sendable {
    public enum Method: String, Sendable { case request = "REQUEST", cancel = "CANCEL" }

    public var method: Method
    public var uid: String
    public var sequence: Int
    public var summary: String
    public var description: String
    public var location: String
    public var startsOn: Day
    public var endsOn: Day
    public var organizer: String
    public var attendee: (name: String, email: String)?
    public var stamp: Date

    public init(
        method: Method, uid: String, sequence: Int, summary: String, description: String, location: String, startsOn: Day, endsOn: Day,
        organizer: String, attendee: (name: String, email: String)?, stamp: Date
    ) {
        (self.method, self.uid, self.sequence, self.summary, self.description) = (method, uid, sequence, summary, description)
        (self.location, self.startsOn, self.endsOn, self.organizer, self.attendee, self.stamp) = (location, startsOn, endsOn, organizer, attendee, stamp)
    }

    /// The `.ics` text: CRLF line ends, lines folded at 75 octets.
    public var text: String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//MCENMA//Kalan//FR", "CALSCALE:GREGORIAN", "METHOD:\(method.rawValue)",
            "BEGIN:VEVENT", "UID:\(Self.escape(uid))", "SEQUENCE:\(sequence)", "DTSTAMP:\(Self.timestamp(stamp))",
            "DTSTART;VALUE=DATE:\(Self.date(startsOn))",
            // DTEND of an all-day event is the day after the last (exclusive).
            "DTEND;VALUE=DATE:\(Self.date(Day(ordinal: endsOn.ordinal + 1)))",
            "SUMMARY:\(Self.escape(summary))", "DESCRIPTION:\(Self.escape(description))", "LOCATION:\(Self.escape(location))",
            "ORGANIZER:mailto:\(organizer)",
            "STATUS:\(method == .cancel ? "CANCELLED" : "CONFIRMED")", "TRANSP:OPAQUE",
        ]
        if let attendee {
            lines.append("ATTENDEE;CN=\(Self.parameter(attendee.name));ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:\(attendee.email)")
        }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    static func date(_ day: Day) -> String {
        let (year, month, date) = day.components
        return String(format: "%04d%02d%02d", year, month, date)
    }

    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
        let inDay = seconds - day.ordinal * 86_400
        return "\(Self.date(day))T" + String(format: "%02d%02d%02dZ", inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    /// TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A parameter value: quoted, without the characters a quoted value cannot hold.
    static func parameter(_ text: String) -> String { "\"" + text.filter { $0 != "\"" && !$0.isNewline } + "\"" }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                out += "\r\n "
                octets = 1
            }
            out.append(character)
            octets += size
        }
        return out
    }
}
