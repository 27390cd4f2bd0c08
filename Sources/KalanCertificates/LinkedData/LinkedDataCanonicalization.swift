/// Why a JSON-LD document has no canonical form here: a JSON-LD error (unknown context, undefined
/// term, relative IRI) or a dataset too costly to canonicalize.
public enum LinkedDataCanonicalizationError: Error, Sendable, Equatable, CustomStringConvertible {
    case jsonLD(JSONLDError)
    case canonicalization(RDFCanonicalizationError)

    public var description: String {
        switch self {
        case let .jsonLD(error): error.description
        case let .canonicalization(error): error.description
        }
    }
}

/// A JSON-LD document's canonical N-Quads: expansion with the pinned contexts, RDF, RDFC-1.0 (SHA-256).
public enum LinkedDataCanonicalization {
    public static func nquads(of document: JSONValue, processor: JSONLDProcessor = JSONLDProcessor()) throws(LinkedDataCanonicalizationError)
        -> String
    {
        let dataset: RDFDataset
        do { dataset = try processor.dataset(document) } catch { throw .jsonLD(error) }
        do { return try RDFC10().canonicalNQuads(dataset) } catch { throw .canonicalization(error) }
    }
}
