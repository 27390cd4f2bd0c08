import Foundation
import KalanCore
import Testing

@Suite("Message catalogue: parsed once into a Sendable tree, every text as written")
struct CatalogueTreeTests {
    static func file(_ language: Language) throws -> [String: Any] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/KalanCore/Messages/Catalogue")
        let data = try Data(contentsOf: folder.appendingPathComponent("\(language.rawValue).json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// What templates read (`{{t.roster.title}}`) is the file, whole; every dotted key reads its text.
    @Test func theTemplatesTreeAndTheTextsAreTheFilesAsWritten() throws {
        for language in Language.allCases {
            let file = try Self.file(language)
            #expect(NSDictionary(dictionary: Messages.tree(language)).isEqual(to: file), "\(language)")
            var texts = 0
            func walk(_ node: [String: Any], _ prefix: String) {
                for (key, value) in node {
                    let path = prefix.isEmpty ? key : prefix + "." + key
                    if let text = value as? String {
                        texts += 1
                        #expect(Messages.text(path, language) == text, "\(path)")
                    } else if let child = value as? [String: Any] {
                        walk(child, path)
                    }
                }
            }
            walk(file, "")
            #expect(texts == Messages.keys(language).count)
        }
    }
}
