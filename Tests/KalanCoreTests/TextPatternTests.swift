import KalanCore
import Testing

@Suite("Text patterns: the hand-written checks accept exactly what the schema's regular expressions accept")
struct TextPatternTests {
    static let samples = [
        "", "A", "a", "DNT", "dnt", "TEL-FOND", "TEL_FOND", "-DNT", "_X", "X Y", "É", "ÉCOLE", "B1", "B12", "1B", "Z9", "ML", "MLI", "ml", "5g", "e_governance",
        "telecoms", "t", String(repeating: "A", count: 32), String(repeating: "A", count: 33), String(repeating: "A", count: 40), String(repeating: "A", count: 41),
        "MCE-2026-00042", "mce.1/2", ".MCE", "MCE 1", "awa.traore", "a", "aw", "Awa", "a@b.c", "awa@communication.gouv.ml", "a@b", "a@.c", "a@b.", "@b.c",
        "a@@b.c", "a b@c.d", "a@b.c.d", "a@b..c", "+223 76 12 34 56", "76123456", "+22376", "12345", "123456", "(223) 76-12.34", "++22376123456",
        "+223 76 12 34 56 78 90 12 34", "76a12345", "\u{00A0}a@b.c", "x@y\u{2003}.z",
    ]

    static func same(_ check: (String) -> Bool, _ pattern: String) throws {
        let regex = try Regex(pattern)
        for sample in samples {
            #expect(check(sample) == (sample.wholeMatch(of: regex) != nil), "\(pattern) on \(sample.debugDescription)")
        }
    }

    @Test func codesStaffNumbersCategoriesCountriesDomainsAndUsernamesMatchTheSchema() throws {
        try Self.same({ TextPattern.isCode($0) }, "^[A-Z0-9][A-Z0-9_-]{0,31}$")
        try Self.same({ TextPattern.isCode($0, maxLength: 40) }, "^[A-Z0-9][A-Z0-9_-]{0,39}$")
        try Self.same(TextPattern.isStaffNumber, "^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$")
        try Self.same(TextPattern.isCategory, "^[A-Z][0-9]?$")
        try Self.same(TextPattern.isCountry, "^[A-Z]{2}$")
        try Self.same(TextPattern.isDomain, "^[a-z0-9_]{2,32}$")
        try Self.same(TextPattern.isUsername, "^[a-z0-9][a-z0-9._-]{1,63}$")
    }

    @Test func emailsAndPhonesMatchTheSchema() throws {
        try Self.same(TextPattern.isEmail, #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#)
        try Self.same(TextPattern.isPhone, #"^\+?[0-9 ().-]{6,24}$"#)
    }
}
