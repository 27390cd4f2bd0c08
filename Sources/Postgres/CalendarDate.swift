import CivilCalendar

/// A day in the proleptic Gregorian calendar, as PostgreSQL's `date` type holds it: no time, no zone.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails when the day does not exist (2025-02-29, month 13…).
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        guard let (y, m, d) = CivilCalendar.parse(text) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day with this many days since 1970-01-01.
    public init(daysSinceEpoch: Int) {
        (year, month, day) = CivilCalendar.date(daysSinceEpoch: daysSinceEpoch)
    }

    public var daysSinceEpoch: Int { CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) }

    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Monday = 1 … Sunday = 7.
    public var isoWeekday: Int { CivilCalendar.isoWeekday(daysSinceEpoch: daysSinceEpoch) }

    public static func daysIn(month: Int, year: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String { CivilCalendar.format(year: year, month: month, day: day) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDate: PostgresCodable {
    public static var postgresType: PostgresType { .date }
    public var postgresText: String? { description }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let value = CalendarDate(text) else { throw PostgresDecodingFailure("not a date in 0001–9999") }
        self = value
    }
}
