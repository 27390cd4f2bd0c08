import Foundation

/// The languages Kalan speaks: French by default, English on request.
public enum Language: String, Sendable, CaseIterable, Codable {
    case fr
    case en

    /// Reads `fr`, `en`, `fr-ML`, `en_GB.UTF-8`…; nil when neither.
    public init?(code: String) {
        let prefix = code.lowercased().prefix(2)
        guard let language = Language(rawValue: String(prefix)) else { return nil }
        self = language
    }

    /// The first supported language of an `Accept-Language` header, French otherwise.
    public init(acceptLanguage header: String?) {
        guard let header else {
            self = .fr
            return
        }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";")
            guard let tag = pieces.first, let language = Language(code: tag.trimmingCharacters(in: .whitespaces)) else {
                return nil
            }
            let quality =
                pieces.dropFirst().first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("q=") }
                .flatMap { Double($0.trimmingCharacters(in: .whitespaces).dropFirst(2)) } ?? 1
            return (language, quality)
        }
        self = ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0 ?? .fr
    }
}
