/// An RDF term of a quad: an IRI, a blank node (by its label) or a literal.
public enum RDFTerm: Hashable, Sendable {
    case iri(String)
    case blankNode(String)
    /// A literal: its lexical form, its datatype IRI, and a language tag for rdf:langString.
    case literal(String, datatype: String, language: String?)

    public static let xsdString = "http://www.w3.org/2001/XMLSchema#string"
    public static let langString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

    public var blankNodeLabel: String? {
        if case let .blankNode(label) = self { return label }
        return nil
    }
}

/// One statement of an RDF dataset; `graph` nil is the default graph.
public struct RDFQuad: Hashable, Sendable {
    public var subject: RDFTerm
    public var predicate: RDFTerm
    public var object: RDFTerm
    public var graph: RDFTerm?

    public init(subject: RDFTerm, predicate: RDFTerm, object: RDFTerm, graph: RDFTerm? = nil) {
        (self.subject, self.predicate, self.object, self.graph) = (subject, predicate, object, graph)
    }

    /// The quad with every blank node label passed through `rename`.
    func renamingBlankNodes(_ rename: (String) -> String) -> RDFQuad {
        func map(_ term: RDFTerm) -> RDFTerm {
            if case let .blankNode(label) = term { return .blankNode(rename(label)) }
            return term
        }
        return RDFQuad(subject: map(subject), predicate: predicate, object: map(object), graph: graph.map(map))
    }
}

/// A set of quads (duplicates are one quad), kept in the order first added.
public struct RDFDataset: Sendable {
    public private(set) var quads: [RDFQuad] = []
    private var seen: Set<RDFQuad> = []

    public init() {}

    public init(_ quads: [RDFQuad]) {
        for quad in quads { insert(quad) }
    }

    public mutating func insert(_ quad: RDFQuad) {
        if seen.insert(quad).inserted { quads.append(quad) }
    }
}
