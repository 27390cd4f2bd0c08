import Foundation

/// Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8.1) from the expanded form: each node object's
/// statements, embedded nodes and named graphs (a `@graph` container's graph is named by a blank node),
/// lists as rdf:first/rdf:rest chains. A relative IRI is an error, not a dropped statement.
struct JSONLDToRDF {
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xsd = "http://www.w3.org/2001/XMLSchema#"

    var dataset = RDFDataset()
    private var labels: [String: String] = [:]
    private var counter = 0

    mutating func add(_ expanded: [JSONValue]) throws(JSONLDError) {
        for item in expanded {
            guard case let .object(node) = item else { continue }
            _ = try self.node(node, graph: nil)
        }
    }

    private mutating func freshBlankNode() -> RDFTerm {
        defer { counter += 1 }
        return .blankNode("b\(counter)")
    }

    /// The document's blank node labels get fresh labels, so that they never meet generated ones.
    private mutating func resource(_ iri: String) throws(JSONLDError) -> RDFTerm {
        if JSONLDKeyword.isBlankNode(iri) {
            if let label = labels[iri] { return .blankNode(label) }
            guard case let .blankNode(label) = freshBlankNode() else { return .blankNode(iri) }
            labels[iri] = label
            return .blankNode(label)
        }
        guard JSONLDKeyword.isAbsoluteIRI(iri) else { throw .relativeIRI(iri) }
        return .iri(iri)
    }

    /// A node object's statements into `graph`; returns its subject.
    private mutating func node(_ node: JSONObject, graph: RDFTerm?) throws(JSONLDError) -> RDFTerm {
        let subject = try node["@id"]?.stringValue.map { id throws(JSONLDError) in try resource(id) } ?? freshBlankNode()
        for member in node.members {
            switch member.key {
            case "@id", "@index": continue
            case "@type":
                for type in member.value.arrayValue ?? [member.value] {
                    guard let text = type.stringValue else { continue }
                    dataset.insert(RDFQuad(subject: subject, predicate: .iri(Self.rdf + "type"), object: try resource(text), graph: graph))
                }
            case "@graph":
                for item in member.value.arrayValue ?? [] {
                    guard case let .object(inner) = item else { continue }
                    _ = try self.node(inner, graph: subject)
                }
            case "@included":
                for item in member.value.arrayValue ?? [] {
                    guard case let .object(inner) = item else { continue }
                    _ = try self.node(inner, graph: graph)
                }
            case "@reverse": throw .unsupported("@reverse")
            default:
                // A blank node predicate is not RDF (generalized RDF is not produced): left out as JSON-LD says.
                if JSONLDKeyword.isBlankNode(member.key) { continue }
                guard JSONLDKeyword.isAbsoluteIRI(member.key) else { throw .relativeIRI(member.key) }
                for item in member.value.arrayValue ?? [member.value] {
                    guard let object = try self.object(item, graph: graph) else { continue }
                    dataset.insert(RDFQuad(subject: subject, predicate: .iri(member.key), object: object, graph: graph))
                }
            }
        }
        return subject
    }

    /// §8.1.3 Object to RDF (and §8.1.4 List Conversion).
    private mutating func object(_ item: JSONValue, graph: RDFTerm?) throws(JSONLDError) -> RDFTerm? {
        guard case let .object(object) = item else { return nil }
        if let value = object["@value"] { return try literal(value, object: object) }
        if let list = object["@list"] { return try self.list(list.arrayValue ?? [], graph: graph) }
        return try node(object, graph: graph)
    }

    private mutating func list(_ items: [JSONValue], graph: RDFTerm?) throws(JSONLDError) -> RDFTerm {
        guard !items.isEmpty else { return .iri(Self.rdf + "nil") }
        let head = freshBlankNode()
        var current = head
        for (offset, item) in items.enumerated() {
            if let object = try self.object(item, graph: graph) {
                dataset.insert(RDFQuad(subject: current, predicate: .iri(Self.rdf + "first"), object: object, graph: graph))
            }
            let next = offset == items.count - 1 ? .iri(Self.rdf + "nil") : freshBlankNode()
            dataset.insert(RDFQuad(subject: current, predicate: .iri(Self.rdf + "rest"), object: next, graph: graph))
            current = next
        }
        return head
    }

    private func literal(_ value: JSONValue, object: JSONObject) throws(JSONLDError) -> RDFTerm {
        var datatype = object["@type"]?.stringValue
        let language = object["@language"]?.stringValue
        let text: String
        switch value {
        case _ where datatype == "@json":
            guard let canonical = try? JCS.canonicalize(value) else { throw .invalid("@json value") }
            text = String(decoding: canonical, as: UTF8.self)
            datatype = Self.rdf + "JSON"
        case let .bool(flag):
            text = flag ? "true" : "false"
            datatype = datatype ?? Self.xsd + "boolean"
        case let .number(number):
            if number.rounded() != number || abs(number) >= 1e21 || datatype == Self.xsd + "double" {
                text = Self.canonicalDouble(number)
                datatype = datatype ?? Self.xsd + "double"
            } else {
                text = Self.integer(number)
                datatype = datatype ?? Self.xsd + "integer"
            }
        case let .string(string):
            text = string
        default:
            throw .invalid("@value")
        }
        if let datatype { return .literal(text, datatype: datatype, language: nil) }
        if let language { return .literal(text, datatype: RDFTerm.langString, language: language) }
        return .literal(text, datatype: RDFTerm.xsdString, language: nil)
    }

    static func integer(_ number: Double) -> String {
        if let exact = Int64(exactly: number) { return String(exact) }
        return String(format: "%.0f", number)
    }

    /// The XSD canonical double: one digit, a point, the other significant digits (at least one), "E", the exponent.
    static func canonicalDouble(_ number: Double) -> String {
        let formatted = String(format: "%.15E", number)  // e.g. 5.300000000000000E+00
        guard let e = formatted.firstIndex(of: "E") else { return formatted }
        var mantissa = String(formatted[..<e])
        while mantissa.hasSuffix("0"), !mantissa.hasSuffix(".0") { mantissa.removeLast() }
        let exponent = Int(formatted[formatted.index(after: e)...]) ?? 0
        return mantissa + "E" + String(exponent)
    }
}

extension JSONLDProcessor {
    /// The RDF dataset of `document` (expanded first).
    public func dataset(_ document: JSONValue) throws(JSONLDError) -> RDFDataset {
        var converter = JSONLDToRDF()
        try converter.add(try expand(document))
        return converter.dataset
    }
}
