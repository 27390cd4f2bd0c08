import Foundation

/// Field checks shared by every use case; each failure names its field.
public enum Validate {
    /// An uppercase code such as `DNT` or `TEL-FOND`.
    public static func code(_ value: String, field: String = "code", session: Bool = false) throws -> String {
        let code = value.normalisedText.uppercased()
        guard !code.isEmpty else { throw KalanError.invalid(field: field, problem: .required) }
        guard TextPattern.isCode(code, maxLength: session ? 40 : 32) else {
            throw KalanError.invalid(field: field, problem: .format(session ? .sessionCode : .code))
        }
        return code
    }

    public static func text(_ value: String?, field: String, max: Int = 200, required: Bool = true) throws -> String? {
        guard let text = value?.nonEmptyNormalisedText else {
            if required { throw KalanError.invalid(field: field, problem: .required) }
            return nil
        }
        guard text.count <= max else { throw KalanError.invalid(field: field, problem: .tooLong(max: max)) }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }), !DisguisingCharacters.contains(text) else {
            throw KalanError.invalid(field: field, problem: .controlCharacters)
        }
        return text
    }

    public static func required(_ value: String?, field: String, max: Int = 200) throws -> String {
        try text(value, field: field, max: max, required: true)!
    }

    public static func country(_ value: String?, field: String = "country") throws -> String {
        let code = (value ?? "").normalisedText.uppercased()
        guard TextPattern.isCountry(code) else { throw KalanError.invalid(field: field, problem: .format(.country)) }
        return code
    }

    public static func domain(_ value: String, field: String = "domain") throws -> String {
        let domain = value.normalisedText.lowercased()
        guard TextPattern.isDomain(domain) else { throw KalanError.invalid(field: field, problem: .format(.domain)) }
        return domain
    }

    public static func integer(_ value: Int, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else { throw KalanError.invalid(field: field, problem: .range(min: range.lowerBound, max: range.upperBound)) }
        return value
    }

    public static func day(_ value: String?, field: String) throws -> Day {
        guard let text = value?.nonEmptyNormalisedText else { throw KalanError.invalid(field: field, problem: .required) }
        guard let day = Day(text) else { throw KalanError.invalid(field: field, problem: .format(.date)) }
        return day
    }

    public static func period(_ start: Day, _ end: Day, endField: String, startField: String) throws {
        guard end >= start else { throw KalanError.invalid(field: endField, problem: .order(mustFollow: startField)) }
    }

    public static func choice<T: RawRepresentable & CaseIterable>(_ value: String, as type: T.Type, field: String) throws -> T where T.RawValue == String {
        guard let choice = T(rawValue: value.normalisedText.lowercased()) else {
            throw KalanError.invalid(field: field, problem: .oneOf(T.allCases.map(\.rawValue)))
        }
        return choice
    }
}
