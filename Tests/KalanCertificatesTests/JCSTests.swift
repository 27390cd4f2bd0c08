import Foundation
import KalanCertificates
import Testing

@Suite struct JCSTests {
    @Test(arguments: ["arrays", "french", "structures", "unicode", "values", "weird"])
    func reproducesTheRFC8785ConformanceOutputByteForByte(name: String) throws {
        let input = try ConformanceData.json("jcs-rfc8785/input/\(name).json")
        let expected = try ConformanceData.bytes("jcs-rfc8785/output/\(name).json")
        let canonical = try JCS.canonicalize(input)
        #expect(canonical == expected)
        #expect(hexString(canonical) == hexString(bytes(fromHex: try ConformanceData.text("jcs-rfc8785/outhex/\(name).txt"))))
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisations.
    @Test(
        arguments: [
            (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"),
            (0x0000_0000_0000_0001, "5e-324"), (0x8000_0000_0000_0001, "-5e-324"),
            (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"), (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
            (0x4340_0000_0000_0000, "9007199254740992"), (0xC340_0000_0000_0000, "-9007199254740992"),
            (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"), (0x44B5_2D02_C7E1_4AF6, "1e+23"),
            (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
            (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"), (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
            (0x444B_1AE4_D6E2_EF50, "1e+21"),
            (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"), (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
            (0x41B3_DE43_5555_5553, "333333333.3333332"), (0x41B3_DE43_5555_5554, "333333333.33333325"),
            (0x41B3_DE43_5555_5555, "333333333.3333333"), (0x41B3_DE43_5555_5556, "333333333.3333334"),
            (0x41B3_DE43_5555_5557, "333333333.33333343"),
            (0xBECB_F647_612F_3696, "-0.0000033333333333333333"), (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
        ] as [(UInt64, String)])
    func serialisesNumbersAsECMAScriptDoes(bits: UInt64, expected: String) throws {
        #expect(try JCS.canonicalString(.number(Double(bitPattern: bits))) == expected)
    }

    @Test(
        arguments: [
            (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"), (123e-20, "1.23e-18"),
            (0.1 + 0.2, "0.30000000000000004"), (4.5, "4.5"), (100, "100"), (-1.5e-9, "-1.5e-9"), (0.002, "0.002"),
        ] as [(Double, String)])
    func switchesToExponentFormWhereECMAScriptDoes(value: Double, expected: String) throws {
        #expect(try JCS.canonicalString(.number(value)) == expected)
    }

    @Test func rejectsNaNAndInfinity() {
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: JSONWriteError.self) { try JCS.canonicalize(["n": .number(value)]) }
        }
    }

    @Test func sortsKeysByUTF16CodeUnitsNotByScalars() throws {
        // U+FB33 sorts after U+1F602 in UTF-16 (0xFB33 > 0xD83D) though before it by code point.
        let value: JSONValue = ["\u{FB33}": 1, "\u{1F602}": 2, "a": 3]
        #expect(try JCS.canonicalString(value) == "{\"a\":3,\"\u{1F602}\":2,\"\u{FB33}\":1}")
    }

    @Test func escapesOnlyQuotesBackslashesAndControls() throws {
        let value: JSONValue = .string("\u{1F}\u{7F}/<é\"\\\u{08}\u{0C}")
        #expect(try JCS.canonicalString(value) == "\"\\u001f\u{7F}/<é\\\"\\\\\\b\\f\"")
    }

    @Test func sortsNestedObjectsButKeepsArrayOrder() throws {
        let value = try JSONValue(parsing: #"{"b":[{"y":1,"x":2},3],"a":{}}"#)
        #expect(try JCS.canonicalString(value) == #"{"a":{},"b":[{"x":2,"y":1},3]}"#)
    }
}
