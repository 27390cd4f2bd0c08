import Foundation
import Testing

@testable import KalanServer

/// Issue 22: the page templates are the files of the Templates folder, all parsed at start; a name
/// that no template has is a programming error caught here, never an empty page.
@Suite("Page templates")
struct PageTemplateTests {
    static let server = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/KalanServer")

    /// The Swift files of KalanServer, as text.
    static func swiftSources() throws -> [String] {
        let files = FileManager.default.enumerator(at: server, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try files.filter { $0.pathExtension == "swift" }.map { try String(contentsOf: $0, encoding: .utf8) }
    }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func theRegisteredTemplatesAreTheFolder() throws {
        let folder = try FileManager.default.contentsOfDirectory(atPath: Self.server.appendingPathComponent("Templates").path)
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
        let registered = PageTemplates.sources.map(\.name)
        #expect(Set(registered).count == registered.count, "a name registered twice")
        #expect(Set(registered) == Set(folder), "registered but no file: \(Set(registered).subtracting(folder)); file not registered: \(Set(folder).subtracting(registered))")
        // Each name is registered with its own file's bytes.
        for (name, bytes) in PageTemplates.sources {
            let file = try Data(contentsOf: Self.server.appendingPathComponent("Templates/\(name).mustache"))
            #expect(Array(file) == bytes, "\(name) is registered with another file's text")
        }
    }

    @Test func everyTemplateParsesAndEveryNameUsedIsRegistered() throws {
        try PageTemplates.load()
        let registered = Set(PageTemplates.sources.map(\.name))
        // The names the pages render, and the partials and parents the templates include.
        var used = Set(try Self.swiftSources().flatMap { try Self.matches(#"\.render\(\s*"([A-Za-z0-9_]+)""#, in: $0) })
        for (_, bytes) in PageTemplates.sources {
            used.formUnion(try Self.matches(#"\{\{[<>]\s*([A-Za-z0-9_]+)\s*\}\}"#, in: String(decoding: bytes, as: UTF8.self)))
        }
        #expect(used.count > 20, "the scan finds the pages' templates: \(used.sorted())")
        #expect(used.subtracting(registered).isEmpty, "used but not registered: \(used.subtracting(registered).sorted())")
    }

    @Test func anUnknownNameThrowsInsteadOfAnEmptyPage() throws {
        #expect(throws: PageTemplateError.self) { try PageTemplates.render([String: String](), named: "no_such_page") }
        #expect(try !PageTemplates.render(["title": "x"], named: "message").isEmpty)
    }

    @Test func aTemplateThatDoesNotParseIsNamed() throws {
        let sources = [(name: "fine", bytes: Array("{{title}}".utf8)), (name: "broken", bytes: Array("{{#open}} never closed".utf8))]
        #expect {
            _ = try PageTemplates.parse(sources)
        } throws: { error in
            guard case .unparsable(let name, _) = error as? PageTemplateError else { return false }
            return name == "broken"
        }
    }
}
