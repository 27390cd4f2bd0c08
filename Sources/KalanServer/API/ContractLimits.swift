import KalanCore

/// The contract's length and range limits, checked by hand: the generated server decodes types
/// and enums but not `minLength`, `maxLength`, `minimum`, `maximum` or `minItems`.
enum ContractLimits {
    static func text(_ value: String?, _ field: String, min: Int = 0, max: Int) throws {
        guard let value else { return }
        if value.count < min { throw KalanError.invalid(field: field, problem: .required) }
        if value.count > max { throw KalanError.invalid(field: field, problem: .tooLong(max: max)) }
    }

    static func number(_ value: Int?, _ field: String, in range: ClosedRange<Int>) throws {
        guard let value else { return }
        if !range.contains(value) { throw KalanError.invalid(field: field, problem: .range(min: range.lowerBound, max: range.upperBound)) }
    }

    static func count(_ value: Int, _ field: String, in range: ClosedRange<Int>) throws {
        if !range.contains(value) { throw KalanError.invalid(field: field, problem: .range(min: range.lowerBound, max: range.upperBound)) }
    }
}
