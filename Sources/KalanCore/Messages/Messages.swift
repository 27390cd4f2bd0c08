import Foundation

/// The one message catalogue: every word a person reads (pages, CLI, API problem titles, PDFs,
/// enum names) comes from `Catalogue/fr.json` and `Catalogue/en.json`, compiled into the binary.
/// Keys are dotted paths into those files (`session.status.in_progress`); values may name
/// placeholders in braces (`{serial}`), filled by `text(_:_:_:)`.
public enum Messages {
    /// Both catalogues, parsed once into immutable, Sendable trees.
    static let trees: [Language: CatalogueNode] = [
        .fr: CatalogueNode(json: PackageResources.fr_json), .en: CatalogueNode(json: PackageResources.en_json),
    ]

    /// Flat views: `a.b.c` → text.
    static let flat: [Language: [String: String]] = trees.mapValues { $0.flattened() }

    /// The text of `key` in `language`, placeholders filled; the key itself when missing (a test
    /// checks that every key exists in both languages).
    public static func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        guard var text = flat[language]?[key] else { return key }
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The text of `key` or nil when the catalogue has none (for optional labels such as field names).
    public static func optionalText(_ key: String, _ language: Language) -> String? { flat[language]?[key] }

    /// The whole catalogue of a language as nested dictionaries, for templates (`{{t.roster.title}}`):
    /// made from the immutable tree on each call, so that no `Any` is shared between tasks.
    public static func tree(_ language: Language) -> [String: Any] { trees[language]?.dictionary ?? [:] }

    /// Every key of a language's catalogue.
    public static func keys(_ language: Language) -> Set<String> { Set(flat[language]?.keys ?? [:].keys) }
}

/// A catalogue parsed: texts under nested keys. A value type of Sendable parts, shared freely.
indirect enum CatalogueNode: Sendable, Equatable, Decodable {
    case text(String)
    case branch([String: CatalogueNode])

    /// An unreadable catalogue is empty (every text then shows its key, and a test fails).
    init(json bytes: [UInt8]) {
        self = (try? JSONDecoder().decode(CatalogueNode.self, from: Data(bytes))) ?? .branch([:])
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .branch(try container.decode([String: CatalogueNode].self))
        }
    }

    /// `a.b.c` → text, for every text below this node.
    func flattened(prefix: String = "") -> [String: String] {
        switch self {
        case .text(let text):
            return [prefix: text]
        case .branch(let children):
            var out: [String: String] = [:]
            for (key, child) in children {
                out.merge(child.flattened(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { a, _ in a }
            }
            return out
        }
    }

    /// Nested `[String: Any]` dictionaries down to `String`s.
    var dictionary: [String: Any] {
        guard case .branch(let children) = self else { return [:] }
        return children.mapValues { child -> Any in
            switch child {
            case .text(let text): text
            case .branch: child.dictionary
            }
        }
    }
}

/// Numbers and dates as a reader of each language expects: `28,1` and `28 novembre 2026` in
/// French, `28.1` and `28 November 2026` in English.
public enum Format {
    /// A number with at most `decimals` decimals (trailing zeros dropped), the language's decimal mark.
    /// `.down` cuts instead of rounding, for figures compared with a threshold (79.96 stays below 80).
    public static func number(_ value: Double, decimals: Int = 1, _ language: Language, rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> String {
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale + (rule == .down ? 1e-6 : 0)).rounded(rule) / scale
        var text = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.\(decimals)f", rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A number with exactly `decimals` decimals, for table columns.
    public static func fixed(_ value: Double, decimals: Int = 1, _ language: Language) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A rate (0…1) as a percentage: `28,1 %` / `28.1%`.
    public static func percent(_ rate: Double, decimals: Int = 0, _ language: Language) -> String {
        Messages.text("format.percent", language, ["number": number(rate * 100, decimals: decimals, language)])
    }

    /// A day in words: `1er mars 2026`, `28 novembre 2026` / `1 March 2026`.
    public static func day(_ day: Day, _ language: Language) -> String {
        let (year, month, date) = day.components
        let first = language == .fr && date == 1 ? Messages.text("format.first_of_month", language) : String(date)
        return "\(first) \(Messages.text("month.\(month)", language)) \(year)"
    }

    /// A short day for tables: `28/11/2026` in French, `2026-11-28` in English.
    public static func shortDay(_ day: Day, _ language: Language) -> String {
        guard language == .fr else { return day.description }
        let (year, month, date) = day.components
        return String(format: "%02d/%02d/%04d", date, month, year)
    }

    /// A span of days: `du 3 au 7 mars 2026` style is left to templates; this gives `3 mars 2026 → 7 mars 2026`.
    public static func span(_ from: Day, _ to: Day, _ language: Language) -> String {
        "\(day(from, language)) → \(day(to, language))"
    }

    /// `2025-Q2` → `T2 2025` / `Q2 2025`; `2025-03` → `mars 2025`; other keys unchanged.
    public static func period(_ key: String, _ language: Language) -> String {
        let parts = key.split(separator: "-")
        if parts.count == 2, let year = Int(parts[0]) {
            if parts[1].hasPrefix("Q"), let quarter = Int(parts[1].dropFirst()) {
                return Messages.text("format.quarter", language, ["quarter": String(quarter), "year": String(year)])
            }
            if let month = Int(parts[1]), (1...12).contains(month) {
                return "\(Messages.text("month.\(month)", language)) \(year)"
            }
        }
        return key
    }
}
