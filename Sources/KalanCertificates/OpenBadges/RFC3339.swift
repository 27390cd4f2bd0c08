import CivilCalendar
import Foundation

/// RFC 3339 UTC timestamps with whole seconds (`2026-11-24T00:00:00Z`), the form credentials use.
/// Hand-written so the output never depends on a locale, calendar or formatter settings.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    /// The calendar day part only, `2026-11-24`, for human-readable text.
    public static func dayString(from date: Date) -> String {
        String(string(from: date).prefix(10))
    }

    /// The instant at 00:00:00Z of a proleptic Gregorian day; nil for an impossible day.
    public static func date(year: Int, month: Int, day: Int) -> Date? {
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch(year: year, month: month, day: day) * 86_400))
    }

    private static func pad(_ value: Int64, _ width: Int) -> String { CivilCalendar.pad(Int(value), width) }

    private static func daysIn(month: Int, year: Int) -> Int { CivilCalendar.daysIn(month: month, year: year) }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        Int64(CivilCalendar.daysSinceEpoch(year: year, month: month, day: day))
    }

    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Int(days))
        return (Int64(year), Int64(month), Int64(day))
    }
}
