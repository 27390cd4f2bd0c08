/// XML Schema 1.1 `dateTime` lexical form, which Data Integrity requires for `created` and `expires`.
enum XMLSchemaDateTime {
    /// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?` with field ranges checked (24:00:00 allowed).
    static func isValid(_ text: String) -> Bool {
        var scanner = Array(text.utf8)[...]
        if scanner.first == UInt8(ascii: "-") { scanner = scanner.dropFirst() }
        let yearDigits = scanner.prefix { isDigit($0) }.count
        guard yearDigits >= 4, yearDigits == 4 || scanner.first != UInt8(ascii: "0") else { return false }
        scanner = scanner.dropFirst(yearDigits)
        guard let month = field(&scanner, after: "-"), (1...12).contains(month),
            let day = field(&scanner, after: "-"), (1...31).contains(day),
            let hour = field(&scanner, after: "T"), (0...24).contains(hour),
            let minute = field(&scanner, after: ":"), (0...59).contains(minute),
            let second = field(&scanner, after: ":"), (0...59).contains(second)
        else { return false }
        var fractionIsZero = true
        if scanner.first == UInt8(ascii: ".") {
            scanner = scanner.dropFirst()
            let fraction = scanner.prefix { isDigit($0) }
            guard !fraction.isEmpty else { return false }
            fractionIsZero = fraction.allSatisfy { $0 == UInt8(ascii: "0") }
            scanner = scanner.dropFirst(fraction.count)
        }
        if hour == 24, minute != 0 || second != 0 || !fractionIsZero { return false }
        if scanner.first == UInt8(ascii: "Z") {
            scanner = scanner.dropFirst()
        } else if scanner.first == UInt8(ascii: "+") || scanner.first == UInt8(ascii: "-") {
            let sign = Character(Unicode.Scalar(scanner.first!))
            guard let offsetHours = field(&scanner, after: sign), (0...14).contains(offsetHours),
                let offsetMinutes = field(&scanner, after: ":"), (0...59).contains(offsetMinutes)
            else { return false }
        }
        return scanner.isEmpty
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Reads `separator` then exactly two digits.
    private static func field(_ scanner: inout ArraySlice<UInt8>, after separator: Character) -> Int? {
        guard scanner.count >= 3, scanner.first == separator.asciiValue,
            isDigit(scanner[scanner.startIndex + 1]), isDigit(scanner[scanner.startIndex + 2])
        else { return nil }
        let value = Int(scanner[scanner.startIndex + 1] - 48) * 10 + Int(scanner[scanner.startIndex + 2] - 48)
        scanner = scanner.dropFirst(3)
        return value
    }
}
