import Foundation

/// An ISO 4217 currency and its minor unit: amounts are whole numbers of that unit (XOF has none,
/// EUR has cents). The list is the database's (`currency`); CFA francs (XOF) by default.
public struct Currency: Sendable, Hashable, Codable {
    public var code: String
    /// Decimals of the major unit: 0 for XOF, 2 for EUR, 3 for TND.
    public var exponent: Int

    public init(code: String, exponent: Int) {
        (self.code, self.exponent) = (code, exponent)
    }

    public static let xof = Currency(code: "XOF", exponent: 0)

    /// The currencies Kalan knows (ISO 4217 minor units), as sql/migrations/0019_cooperation.sql lists them.
    public static let known: [Currency] = [
        ("XOF", 0), ("XAF", 0), ("EUR", 2), ("USD", 2), ("GBP", 2), ("CHF", 2), ("CAD", 2), ("CNY", 2), ("RUB", 2),
        ("IRR", 2), ("INR", 2), ("TRY", 2), ("AED", 2), ("SAR", 2), ("MAD", 2), ("DZD", 2), ("EGP", 2), ("GHS", 2),
        ("NGN", 2), ("GNF", 0), ("JPY", 0), ("KRW", 0), ("TND", 3), ("KWD", 3),
    ].map { Currency(code: $0.0, exponent: $0.1) }

    public static func named(_ code: String) -> Currency? { known.first { $0.code == code } }
}

/// An amount in a currency's minor unit (never a floating-point number).
public struct Money: Sendable, Hashable, Codable {
    public var minor: Int64
    public var currency: Currency

    public init(minor: Int64, currency: Currency) {
        (self.minor, self.currency) = (minor, currency)
    }

    /// The largest amount a cost line takes, in minor units (and in CFA francs once converted).
    public static let limit: Int64 = 1_000_000_000_000_000

    /// Reads `1250.50`, `1 250,50` or `820274` as minor units: a dot or a comma before the
    /// decimals, spaces between thousands, no more decimals than the currency has. Nil otherwise.
    public static func parse(_ text: String, currency: Currency) -> Int64? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).filter { !($0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" || $0 == "_") }
        let parts = cleaned.split(separator: cleaned.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        let decimals = parts.count == 2 ? parts[1] : ""
        guard decimals.count <= currency.exponent, decimals.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !decimals.isEmpty else {
            return nil
        }
        let digits = String(whole) + decimals + String(repeating: "0", count: currency.exponent - decimals.count)
        guard digits.count <= 19, let value = Int64(digits) else { return nil }
        return value
    }

    /// `1 250,50` / `1,250.50`: the amount with its decimals and the language's marks.
    public func text(_ language: Language) -> String {
        Money.group(minor, exponent: currency.exponent, language)
    }

    /// `1250.50`: digits and a dot, for files and programs.
    public var plain: String {
        var digits = String(minor.magnitude)
        let exponent = currency.exponent
        if digits.count <= exponent { digits = String(repeating: "0", count: exponent - digits.count + 1) + digits }
        return (minor < 0 ? "-" : "") + (exponent > 0 ? "\(digits.dropLast(exponent)).\(digits.suffix(exponent))" : digits)
    }

    /// An integer of minor units written with thousands grouped and the decimal mark.
    public static func group(_ minor: Int64, exponent: Int, _ language: Language) -> String {
        let negative = minor < 0
        var digits = String(minor.magnitude)
        if digits.count <= exponent { digits = String(repeating: "0", count: exponent - digits.count + 1) + digits }
        let whole = digits.dropLast(exponent), decimals = digits.suffix(exponent)
        var grouped = ""
        for (i, c) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(language == .fr ? "\u{202F}" : ",") }
            grouped.append(c)
        }
        let text = String(grouped.reversed()) + (exponent > 0 ? (language == .fr ? "," : ".") + decimals : "")
        return negative ? "-" + text : text
    }
}

/// The rate used to count a currency in CFA francs: XOF per one major unit, kept exactly as a
/// fraction of integers (655.957 is 655957/1000), so that the CFA amount is computed in integers.
public struct ExchangeRate: Sendable, Hashable, Codable {
    public var numerator: Int64
    public var denominator: Int64

    public init(numerator: Int64, denominator: Int64) {
        (self.numerator, self.denominator) = (numerator, denominator)
    }

    public static let one = ExchangeRate(numerator: 1, denominator: 1)
    public static let limit: Int64 = 1_000_000_000_000

    /// Reads `655.957`, `655,957`, `1.5` or a fraction `1/600`, reduced; nil when it is not a
    /// positive number of at most 12 digits on each side.
    public static func parse(_ text: String) -> ExchangeRate? {
        let cleaned = text.filter { !$0.isWhitespace }
        var numerator: Int64, denominator: Int64
        if let slash = cleaned.firstIndex(of: "/") {
            guard let n = digits(cleaned[..<slash]), let d = digits(cleaned[cleaned.index(after: slash)...]) else { return nil }
            (numerator, denominator) = (n, d)
        } else {
            let parts = cleaned.split(separator: cleaned.contains(",") ? "," : ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), digits(parts[0]) != nil else { return nil }
            let decimals = parts.count == 2 ? parts[1] : ""
            guard decimals.count <= 12, parts.count == 1 || digits(decimals) != nil else { return nil }
            var scale: Int64 = 1
            for _ in 0..<decimals.count { scale *= 10 }
            guard let joined = digits(parts[0] + decimals) else { return nil }
            (numerator, denominator) = (joined, scale)
        }
        guard numerator > 0, denominator > 0 else { return nil }
        let divisor = gcd(numerator, denominator)
        (numerator, denominator) = (numerator / divisor, denominator / divisor)
        guard numerator <= limit, denominator <= limit else { return nil }
        return ExchangeRate(numerator: numerator, denominator: denominator)
    }

    static func digits(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }

    /// `655,957` / `655.957`: the exact decimals when the fraction has a short decimal form, the
    /// fraction (`1/600`) otherwise.
    public func text(_ language: Language) -> String {
        var places = 0, scale: Int64 = 1
        while scale % denominator != 0 && places < 12 {
            scale *= 10
            places += 1
        }
        let scaled = numerator.multipliedReportingOverflow(by: scale / denominator)
        guard scale % denominator == 0, !scaled.overflow else { return "\(numerator)/\(denominator)" }
        return Money.group(scaled.partialValue, exponent: places, language)
    }

    /// `655.957` or `1/600`, ungrouped, for files and programs.
    public var plain: String { text(.en).replacingOccurrences(of: ",", with: "") }

    /// The amount in CFA francs: minor × numerator ÷ (denominator × 10^exponent), rounded half up,
    /// in integers (the database computes `cost_line.amount_xof` the same way). Nil past `Money.limit`.
    public func xof(_ amount: Money) -> Int64? {
        guard amount.minor >= 0 else { return nil }
        var scale: UInt64 = 1
        for _ in 0..<amount.currency.exponent { scale *= 10 }
        let divisor = UInt64(denominator) * scale  // at most 10^15
        let (high, low) = (2 * UInt64(amount.minor)).multipliedFullWidth(by: UInt64(numerator))
        let (sum, carry) = low.addingReportingOverflow(divisor)
        let top = high + (carry ? 1 : 0)
        guard top < 2 * divisor else { return nil }
        let (quotient, _) = (2 * divisor).dividingFullWidth((top, sum))
        guard quotient <= UInt64(Money.limit) else { return nil }
        return Int64(quotient)
    }
}
