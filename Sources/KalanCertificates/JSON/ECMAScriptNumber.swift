/// Formats a Double exactly as ECMAScript's `Number.prototype.toString()` does (ECMA-262 Number::toString),
/// which is what RFC 8785 requires for numbers.
enum ECMAScriptNumber {
    /// nil for NaN and ±Infinity, which JSON cannot carry.
    static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }  // also -0
        if value < 0 { return "-" + format(-value)! }
        let (digits, pointPosition) = shortestDigits(value)
        return layout(digits: digits, n: pointPosition)
    }

    /// The shortest round-tripping decimal digits of `value` (closest to it when several are as short)
    /// and `n` such that value = 0.d1d2…dk × 10^n.
    ///
    /// Swift's `description` already computes exactly that digit string (SwiftDtoa, shortest and
    /// closest); only its layout differs from ECMAScript's, so we take the digits and redo the layout.
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], n: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self))!
        }
        let point = mantissa.firstIndex(of: UInt8(ascii: ".")) ?? mantissa.endIndex
        let integerDigits = mantissa[mantissa.startIndex..<point]
        let fractionDigits = point < mantissa.endIndex ? mantissa[(point + 1)...] : []
        var digits = Array(integerDigits) + Array(fractionDigits)
        var n = integerDigits.count + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }

    /// ECMA-262 Number::toString steps for a positive value with digits s (k of them) and exponent n.
    static func layout(digits: [UInt8], n: Int) -> String {
        let k = digits.count
        var out: [UInt8] = []
        if k <= n && n <= 21 {
            out = digits + Array(repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out = Array(digits[..<n]) + [UInt8(ascii: ".")] + Array(digits[n...])
        } else if -6 < n && n <= 0 {
            out = [UInt8(ascii: "0"), UInt8(ascii: ".")] + Array(repeating: UInt8(ascii: "0"), count: -n) + digits
        } else {
            let exponent = n - 1
            out = [digits[0]]
            if k > 1 { out += [UInt8(ascii: ".")] + Array(digits[1...]) }
            out += Array("e\(exponent < 0 ? "-" : "+")\(abs(exponent))".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
