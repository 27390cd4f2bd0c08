import Foundation
import KalanCertificates
import Testing

@Suite struct JSONParsingTests {
    @Test func parsesEveryKindOfValueInDocumentOrder() throws {
        let value = try JSONValue(parsing: #" { "b": [1, -2.5e3, true, false, null], "a": "x\u00e9\n" } "#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["b"] == [1, -2500, true, false, nil])
        #expect(value["a"]?.stringValue == "xé\n")
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "1e", "-", "NaN", "Infinity", "tru",
        "'a'", "\"a", "[1 2]", "{\"a\" 1}", "{a:1}", "1 2", "\u{FEFF}1", "/* c */ 1", "\"\\x\"", "\"\\u12\"",
    ])
    func rejectsTextThatIsNotStrictJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsDuplicateKeysRatherThanKeepingOne() {
        #expect(throws: JSONParseError(reason: .duplicateKey, offset: 9)) { try JSONValue(parsing: #"{"a": 1, "a": 2}"#) }
    }

    @Test func keepsCanonicallyEquivalentKeysApart() throws {
        // "Å" precomposed and "A" + combining ring are different JSON keys, though Swift's == says equal.
        let value = try JSONValue(parsing: "{\"\\u00c5\": 1, \"A\\u030a\": 2}")
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{C5}"] == 1)
        #expect(value["A\u{30A}"] == 2)
        #expect(JSONValue.string("\u{C5}") != JSONValue.string("A\u{30A}"))
    }

    @Test func rejectsLoneSurrogatesAndJoinsPairs() throws {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #""\ud83d""#) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #""\ude02x""#) }
        #expect(try JSONValue(parsing: #""\ud83d\ude02""#) == "😂")
    }

    @Test func rejectsRawControlCharactersInStrings() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "\"a\u{0A}b\"") }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "\"a\u{09}b\"") }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError(reason: .invalidUTF8, offset: 0)) {
            try JSONValue(parsing: Data([0x22, 0xC3, 0x28, 0x22]))
        }
    }

    @Test func rejectsNumbersBeyondDoubleRange() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "1e400") }
    }

    @Test func rejectsNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }

    @Test func compactSerialisationRoundTripsAndKeepsMemberOrder() throws {
        let text = #"{"z":[1,2.5,"\"q\"",{"é":null}],"a":false,"m":1e+21}"#
        let value = try JSONValue(parsing: text)
        #expect(try value.serialized() == text)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test func objectEqualityIgnoresMemberOrder() {
        let first: JSONValue = ["a": 1, "b": [true]]
        let second: JSONValue = ["b": [true], "a": 1]
        #expect(first == second)
        #expect(first != ["a": 1, "b": [false]])
    }

    @Test func subscriptsReadAndWriteMembers() {
        var value: JSONValue = ["name": "Kalan", "tags": ["a", "b"]]
        value["name"] = "Kalan 2"
        value["new"] = 3
        value["tags"] = nil
        #expect(value == ["name": "Kalan 2", "new": 3])
        #expect(value.objectValue?.keys == ["name", "new"])
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([1, 2])[1] == 2)
        #expect(JSONValue.array([1, 2])[5] == nil)
    }

    @Test func serialisingNaNOrInfinityFails() {
        #expect(throws: JSONWriteError.self) { try JSONValue.number(.nan).serialized() }
        #expect(throws: JSONWriteError.self) { try JSONValue.array([.number(-.infinity)]).serialized() }
    }
}
