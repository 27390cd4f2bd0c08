import Foundation
import KalanCertificates
import KalanCore
import Postgres
import Testing

@Suite("One civil calendar: Day, CalendarDate and RFC3339 name every day alike")
struct CivilCalendarTests {
    @Test func theThreeAgreeFromYear1To9999() throws {
        // 0001-01-01 is day -719162 since 1970; 9999-12-31 is day 2932896.
        for ordinal in stride(from: -719_162, through: 2_932_896, by: 997) + [-719_162, -1, 0, 59, 60, 11_016, 2_932_896] {
            let day = Day(ordinal: ordinal)
            let date = CalendarDate(daysSinceEpoch: ordinal)
            let rfc = RFC3339.dayString(from: Date(timeIntervalSince1970: Double(ordinal) * 86_400))
            #expect(day.description == date.description && date.description == rfc, "day \(ordinal)")
            #expect(Day(day.description) == day && CalendarDate(date.description)?.daysSinceEpoch == ordinal)
        }
        #expect(Day("2024-02-29") != nil && Day("2025-02-29") == nil && CalendarDate("2100-02-29") == nil && CalendarDate("2000-02-29") != nil)
        #expect(Day("29/02/2024") == Day("2024-02-29"))
    }
}
