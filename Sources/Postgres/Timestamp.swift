import Foundation

/// `Date` travels as `timestamptz` with microsecond precision, always written in UTC.
extension Date: PostgresCodable {
    public static var postgresType: PostgresType { .timestamptz }

    public var postgresText: String? {
        if self == .distantFuture { return "infinity" }
        if self == .distantPast { return "-infinity" }
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let date = CalendarDate(daysSinceEpoch: Int(days))
        let h = secondOfDay / 3600, m = secondOfDay % 3600 / 60, s = secondOfDay % 60
        func pad(_ n: Int64, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(date) \(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(fraction, 6))+00"
    }

    /// Reads PostgreSQL's ISO output, `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`, in any zone.
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingFailure) {
        if text == "infinity" {
            self = .distantFuture
            return
        }
        if text == "-infinity" {
            self = .distantPast
            return
        }
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) throws(PostgresDecodingFailure) -> Int {
            guard index + width <= bytes.count else { throw PostgresDecodingFailure("not an ISO timestamp") }
            var value = 0
            for _ in 0..<width {
                let c = bytes[index]
                guard c >= 48 && c <= 57 else { throw PostgresDecodingFailure("not an ISO timestamp") }
                value = value * 10 + Int(c - 48)
                index += 1
            }
            return value
        }
        func expect(_ c: UInt8) throws(PostgresDecodingFailure) {
            guard index < bytes.count, bytes[index] == c else { throw PostgresDecodingFailure("not an ISO timestamp") }
            index += 1
        }
        let year = try number(4)
        try expect(UInt8(ascii: "-"))
        let month = try number(2)
        try expect(UInt8(ascii: "-"))
        let day = try number(2)
        guard index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T") else {
            throw PostgresDecodingFailure("not an ISO timestamp")
        }
        index += 1
        let hour = try number(2)
        try expect(UInt8(ascii: ":"))
        let minute = try number(2)
        try expect(UInt8(ascii: ":"))
        let second = try number(2)
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offset = 0
        if index < bytes.count {
            let sign: Int
            switch bytes[index] {
            case UInt8(ascii: "+"): sign = 1
            case UInt8(ascii: "-"): sign = -1
            case UInt8(ascii: "Z"): sign = 0
            default: throw PostgresDecodingFailure("not an ISO timestamp")
            }
            index += 1
            if sign != 0 {
                var total = try number(2) * 3600
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    index += 1
                    total += try number(2) * 60
                    if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                        index += 1
                        total += try number(2)
                    }
                }
                offset = sign * total
            }
        }
        guard index == bytes.count, let calendarDay = CalendarDate(year: year, month: month, day: day) else {
            throw PostgresDecodingFailure("not an ISO timestamp")
        }
        let seconds = calendarDay.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        self = Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}
