import KalanCore
import Testing

@Suite("Language: French by default, English on request")
struct LanguageTests {
    @Test func acceptLanguagePicksHighestSupportedQuality() {
        #expect(Language(acceptLanguage: nil) == .fr)
        #expect(Language(acceptLanguage: "en-GB,en;q=0.9") == .en)
        #expect(Language(acceptLanguage: "de-DE, en;q=0.5, fr;q=0.8") == .fr)
        #expect(Language(acceptLanguage: "de, es") == .fr)
        #expect(Language(acceptLanguage: "fr;q=0, en;q=0.1") == .en)
    }

    @Test func codesAcceptRegionsAndEncodings() {
        #expect(Language(code: "en_GB.UTF-8") == .en)
        #expect(Language(code: "FR-ml") == .fr)
        #expect(Language(code: "bm") == nil)
    }
}
