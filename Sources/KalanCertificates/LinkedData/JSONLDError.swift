/// Why a JSON-LD document was not expanded or turned into RDF. Signing refuses rather than drop:
/// a term no context defines, a relative IRI, or a context that is not pinned is an error.
public enum JSONLDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A context URL that is not one of the pinned contexts: never fetched.
    case unknownContext(String)
    /// A property or type that no context in scope defines (it would be dropped on expansion).
    case undefinedTerm(String)
    /// An IRI that is not absolute (no base IRI is used): it would be dropped from the RDF.
    case relativeIRI(String)
    /// A protected term defined again with another meaning.
    case protectedTermRedefinition(String)
    /// A JSON-LD feature the pinned contexts do not use and this processor does not implement.
    case unsupported(String)
    /// Not valid JSON-LD: the keyword or term named.
    case invalid(String)

    public var description: String {
        switch self {
        case let .unknownContext(url): "the JSON-LD context \(url) is not one of the pinned contexts (it is never fetched)"
        case let .undefinedTerm(term): "the term \"\(term)\" is defined by no context in scope"
        case let .relativeIRI(iri): "\"\(iri)\" is not an absolute IRI"
        case let .protectedTermRedefinition(term): "the protected term \"\(term)\" is redefined"
        case let .unsupported(feature): "JSON-LD \(feature) is not supported"
        case let .invalid(what): "invalid JSON-LD: \(what)"
        }
    }
}

enum JSONLDKeyword {
    static let all: Set<String> = [
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id", "@import", "@included",
        "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault", "@prefix", "@preserve", "@protected", "@requireAll",
        "@reverse", "@set", "@type", "@value", "@version", "@vocab", "@propagate",
    ]

    static func isKeyword(_ value: String) -> Bool { all.contains(value) }

    /// "@" followed by letters only: reserved, ignored with a warning by JSON-LD 1.1.
    static func looksLikeKeyword(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        guard scalars.first == "@", scalars.count > 1 else { return false }
        return scalars.dropFirst().allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
    }

    /// An IRI with a scheme (RFC 3987), or a blank node identifier.
    static func isAbsoluteIRI(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else { return false }
        let scheme = value[..<colon].unicodeScalars
        guard let first = scheme.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return scheme.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
    }

    static func isBlankNode(_ value: String) -> Bool { value.hasPrefix("_:") }
}
