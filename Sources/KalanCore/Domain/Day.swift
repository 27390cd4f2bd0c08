import CivilCalendar
import Foundation

/// A calendar day (no time, no zone), for session dates, deadlines and attendance.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        ordinal = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`, also `DD/MM/YYYY` as French spreadsheets write it.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let (y, m, d) = CivilCalendar.parse(trimmed) {
            self.init(year: y, month: m, day: d)
            return
        }
        let slashed = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if slashed.count == 3, slashed[2].count == 4, let d = Int(slashed[0]), let m = Int(slashed[1]), let y = Int(slashed[2]) {
            self.init(year: y, month: m, day: d)
            return
        }
        return nil
    }

    public static func of(_ now: Date) -> Day { Day(ordinal: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))) }

    public var components: (year: Int, month: Int, day: Int) { CivilCalendar.date(daysSinceEpoch: ordinal) }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// Monday = 1 … Sunday = 7.
    public var isoWeekday: Int { CivilCalendar.isoWeekday(daysSinceEpoch: ordinal) }

    public var startOfDay: Date { Date(timeIntervalSince1970: Double(ordinal) * 86_400) }

    /// The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb).
    public func adding(months: Int) -> Day {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let year = total / 12, month = total % 12 + 1
        return Day(year: year, month: month, day: min(d, Day.length(month: month, year: year)))!
    }

    static func length(month: Int, year: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public var description: String {
        let (y, m, d) = components
        return CivilCalendar.format(year: y, month: m, day: d)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
