import Crypto
import Foundation

/// One term of an active context (JSON-LD 1.1 §4.2).
struct TermDefinition: Equatable {
    var iri: String?
    var reverse = false
    var typeMapping: String?
    /// nil: no language mapping; .some(nil): the term is explicitly without language.
    var language: String??
    var direction: String??
    var container: Set<String> = []
    /// The scoped context, as written.
    var context: JSONValue?
    var protected = false
    var prefix = false
    var nest: String?
    var index: String?

    /// Equal but for `protected`: a protected term may be defined again identically.
    func sameMeaning(as other: TermDefinition) -> Bool {
        var a = self
        var b = other
        a.protected = false
        b.protected = false
        return a == b
    }
}

/// The active context of JSON-LD 1.1 expansion. No base IRI: documents are signed as they are, and a
/// relative IRI is an error rather than resolved against some URL.
struct ActiveContext {
    var terms: [String: TermDefinition] = [:]
    var vocab: String?
    var defaultLanguage: String?
    var defaultDirection: String?
    /// The context before a non-propagated (type-scoped) context, zero or one element.
    var previous: [ActiveContext] = []
    /// Names this context by how it was made (the local contexts processed from the empty one), so that
    /// a processed context can be reused: the pinned contexts are the same for every credential.
    var fingerprint = ""

    /// IRI Expansion (§5.2.2) at expansion time, when every term is defined.
    func expandIRI(_ value: String, vocab useVocab: Bool = false) -> String? {
        if JSONLDKeyword.isKeyword(value) { return value }
        if JSONLDKeyword.looksLikeKeyword(value) { return nil }
        if useVocab, let definition = terms[value] { return definition.iri }
        if let colon = value.firstIndex(of: ":"), colon != value.startIndex {
            let prefix = String(value[..<colon])
            let suffix = value[value.index(after: colon)...]
            if prefix == "_" || suffix.hasPrefix("//") { return value }
            if let definition = terms[prefix], let iri = definition.iri, definition.prefix { return iri + suffix }
            if JSONLDKeyword.isAbsoluteIRI(value) { return value }
        }
        if useVocab, let vocab { return vocab + value }
        return value
    }

    /// Context Processing (§4.1.2) of `local` over this context.
    func processed(
        _ local: JSONValue, loader: JSONLDContextLoader, remoteContexts: [String] = [], overrideProtected: Bool = false,
        propagate: Bool = true
    ) throws(JSONLDError) -> ActiveContext {
        // Contexts given beside the pinned ones are not cached (another processor may not know them).
        let key: String? =
            !loader.extra.isEmpty
            ? nil
            : (try? JCS.canonicalize(local)).map {
                fingerprint + (overrideProtected ? "|o" : "|") + (propagate ? "|" : "|n") + String(decoding: $0, as: UTF8.self)
            }
        if let key, let cached = ProcessedContextCache.shared.context(for: key) { return cached }
        var result = try processedUncached(local, loader: loader, remoteContexts: remoteContexts, overrideProtected: overrideProtected, propagate: propagate)
        if let key {
            result.fingerprint = SHA256.hash(data: Array(key.utf8)).map { String($0, radix: 16) }.joined(separator: ".")
            ProcessedContextCache.shared.store(result, for: key)
        }
        return result
    }

    private func processedUncached(
        _ local: JSONValue, loader: JSONLDContextLoader, remoteContexts: [String], overrideProtected: Bool, propagate: Bool
    ) throws(JSONLDError) -> ActiveContext {
        var result = self
        var propagate = propagate
        if let value = local["@propagate"] {
            guard let flag = value.boolValue else { throw .invalid("@propagate") }
            propagate = flag
        }
        if !propagate, result.previous.isEmpty { result.previous = [self] }
        for context in local.arrayValue ?? [local] {
            switch context {
            case .null:
                if !overrideProtected, result.terms.values.contains(where: \.protected) { throw .invalid("null context over protected terms") }
                let before = result
                result = ActiveContext()
                if !propagate { result.previous = [before] }
            case let .string(url):
                guard JSONLDKeyword.isAbsoluteIRI(url) else { throw .unknownContext(url) }
                if remoteContexts.contains(url) { throw .invalid("recursive context inclusion of \(url)") }
                guard remoteContexts.count < 32 else { throw .invalid("too many nested contexts") }
                let document = try loader.document(url)
                guard let loaded = document["@context"] else { throw .invalid("context document \(url) has no @context") }
                result = try result.processed(loaded, loader: loader, remoteContexts: remoteContexts + [url], overrideProtected: overrideProtected)
            case let .object(definitions):
                var processor = ContextDefinitionProcessor(
                    result: result, local: definitions, loader: loader, remoteContexts: remoteContexts, overrideProtected: overrideProtected)
                try processor.run()
                result = processor.result
            default:
                throw .invalid("a context must be an object, a URL or null")
            }
        }
        return result
    }
}

/// Where contexts come from: pinned documents only, never the network.
struct JSONLDContextLoader {
    var extra: [String: JSONValue] = [:]

    func document(_ url: String) throws(JSONLDError) -> JSONValue {
        if let document = extra[url] ?? PinnedContexts.document(url) { return document }
        throw .unknownContext(url)
    }
}

/// The term definitions of one local context object (§4.1.2 step 5.5 on, and §4.2.2).
struct ContextDefinitionProcessor {
    var result: ActiveContext
    let local: JSONObject
    let loader: JSONLDContextLoader
    let remoteContexts: [String]
    let overrideProtected: Bool
    var defined: [String: Bool] = [:]
    var defaultProtected = false

    static let contextKeywords: Set<String> = ["@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab"]
    static let definitionKeys: Set<String> = [
        "@id", "@reverse", "@container", "@context", "@direction", "@index", "@language", "@nest", "@prefix", "@protected", "@type",
    ]

    init(result: ActiveContext, local: JSONObject, loader: JSONLDContextLoader, remoteContexts: [String], overrideProtected: Bool) {
        (self.result, self.local, self.loader, self.remoteContexts, self.overrideProtected) = (
            result, local, loader, remoteContexts, overrideProtected
        )
    }

    mutating func run() throws(JSONLDError) {
        if let version = local["@version"], version != .number(1.1) { throw .invalid("@version") }
        if local.contains("@import") { throw .unsupported("@import") }
        if let base = local["@base"] {
            // Only "no base" is meaningful here: IRIs are never resolved against a base.
            guard base.isNull else { throw .unsupported("@base other than null") }
        }
        if let vocab = local["@vocab"] {
            switch vocab {
            case .null: result.vocab = nil
            case let .string(text):
                guard let iri = try expandIRI(text, vocab: true), JSONLDKeyword.isAbsoluteIRI(iri) || JSONLDKeyword.isBlankNode(iri) else {
                    throw .relativeIRI(text)
                }
                result.vocab = iri
            default: throw .invalid("@vocab")
            }
        }
        if let language = local["@language"] {
            switch language {
            case .null: result.defaultLanguage = nil
            case let .string(text): result.defaultLanguage = text.lowercased()
            default: throw .invalid("@language")
            }
        }
        if let direction = local["@direction"] {
            switch direction {
            case .null: result.defaultDirection = nil
            case let .string(text) where text == "ltr" || text == "rtl": result.defaultDirection = text
            default: throw .invalid("@direction")
            }
        }
        if let protected = local["@protected"] {
            guard let flag = protected.boolValue else { throw .invalid("@protected") }
            defaultProtected = flag
        }
        for key in local.keys where !Self.contextKeywords.contains(key) {
            try define(key)
        }
    }

    /// IRI Expansion while defining terms: a term of this local context is defined first.
    mutating func expandIRI(_ value: String, vocab useVocab: Bool) throws(JSONLDError) -> String? {
        if JSONLDKeyword.isKeyword(value) { return value }
        if JSONLDKeyword.looksLikeKeyword(value) { return nil }
        if local.contains(value), defined[value] != true { try define(value) }
        if useVocab, let definition = result.terms[value] { return definition.iri }
        if let colon = value.firstIndex(of: ":"), colon != value.startIndex {
            let prefix = String(value[..<colon])
            let suffix = value[value.index(after: colon)...]
            if prefix == "_" || suffix.hasPrefix("//") { return value }
            if local.contains(prefix), defined[prefix] != true { try define(prefix) }
            if let definition = result.terms[prefix], let iri = definition.iri, definition.prefix { return iri + suffix }
            if JSONLDKeyword.isAbsoluteIRI(value) { return value }
        }
        if useVocab, let vocab = result.vocab { return vocab + value }
        return value
    }

    /// Create Term Definition (§4.2.2).
    mutating func define(_ term: String) throws(JSONLDError) {
        if let state = defined[term] {
            if state { return }
            throw .invalid("cyclic IRI mapping of \(term)")
        }
        guard !term.isEmpty else { throw .invalid("empty term") }
        defined[term] = false
        var value = local[term] ?? .null
        if term == "@type", case let .object(object) = value,
            object.keys.allSatisfy({ $0 == "@container" || $0 == "@protected" }), object["@container"] == nil || object["@container"] == "@set"
        {
            // JSON-LD 1.1 lets @type be given @container @set and be protected.
        } else if JSONLDKeyword.isKeyword(term) {
            throw .invalid("keyword redefinition of \(term)")
        } else if JSONLDKeyword.looksLikeKeyword(term) {
            defined[term] = true
            return
        }
        let previous = result.terms.removeValue(forKey: term)
        var simpleTerm = false
        switch value {
        case .null: value = ["@id": .null]
        case .string:
            value = ["@id": value]
            simpleTerm = true
        case .object: break
        default: throw .invalid("term definition of \(term)")
        }
        guard case let .object(entries) = value else { throw .invalid("term definition of \(term)") }
        for key in entries.keys where !Self.definitionKeys.contains(key) { throw .invalid("\(key) in the definition of \(term)") }
        var definition = TermDefinition()
        if let protected = entries["@protected"] {
            guard let flag = protected.boolValue else { throw .invalid("@protected of \(term)") }
            definition.protected = flag
        } else {
            definition.protected = defaultProtected
        }
        if let type = entries["@type"] {
            guard let text = type.stringValue, let iri = try expandIRI(text, vocab: true) else { throw .invalid("@type of \(term)") }
            guard ["@id", "@json", "@none", "@vocab"].contains(iri) || JSONLDKeyword.isAbsoluteIRI(iri) else { throw .invalid("@type of \(term)") }
            definition.typeMapping = iri
        }
        if let reverse = entries["@reverse"] {
            guard entries["@id"] == nil, entries["@nest"] == nil, let text = reverse.stringValue else { throw .invalid("@reverse of \(term)") }
            guard let iri = try expandIRI(text, vocab: true), JSONLDKeyword.isAbsoluteIRI(iri) else { throw .invalid("@reverse of \(term)") }
            definition.iri = iri
            definition.reverse = true
        } else if let id = entries["@id"], id.stringValue != term {
            switch id {
            case .null: definition.iri = nil
            case let .string(text):
                if !JSONLDKeyword.isKeyword(text), JSONLDKeyword.looksLikeKeyword(text) {
                    defined[term] = true
                    return
                }
                guard let iri = try expandIRI(text, vocab: true),
                    JSONLDKeyword.isKeyword(iri) || JSONLDKeyword.isAbsoluteIRI(iri) || JSONLDKeyword.isBlankNode(iri)
                else { throw .invalid("@id of \(term)") }
                if iri == "@context" { throw .invalid("@id of \(term)") }
                if term.dropFirst().dropLast().contains(":") || term.contains("/") {
                    defined[term] = true
                    if try expandIRI(term, vocab: true) != iri { throw .invalid("IRI mapping of \(term)") }
                }
                definition.iri = iri
                if !term.contains(":"), !term.contains("/"), simpleTerm,
                    iri.last.map({ ":/?#[]@".contains($0) }) == true || JSONLDKeyword.isBlankNode(iri)
                {
                    definition.prefix = true
                }
            default: throw .invalid("@id of \(term)")
            }
        } else if let colon = term.dropFirst().firstIndex(of: ":") {
            let prefix = String(term[..<colon])
            let suffix = term[term.index(after: colon)...]
            if local.contains(prefix) { try define(prefix) }
            if let prefixIRI = result.terms[prefix]?.iri {
                definition.iri = prefixIRI + suffix
            } else {
                definition.iri = term
            }
        } else if term.contains("/") {
            guard let iri = try expandIRI(term, vocab: true), JSONLDKeyword.isAbsoluteIRI(iri) else { throw .invalid("IRI mapping of \(term)") }
            definition.iri = iri
        } else if term == "@type" {
            definition.iri = "@type"
        } else if let vocab = result.vocab {
            definition.iri = vocab + term
        } else {
            throw .invalid("no IRI mapping for \(term)")
        }
        if let container = entries["@container"] {
            let values = container.arrayValue ?? [container]
            var set: Set<String> = []
            for item in values {
                guard let text = item.stringValue, ["@graph", "@id", "@index", "@language", "@list", "@set", "@type"].contains(text) else {
                    throw .invalid("@container of \(term)")
                }
                set.insert(text)
            }
            if set.contains("@list"), set.count > 1 { throw .invalid("@container of \(term)") }
            definition.container = set
            if set.contains("@type") {
                if definition.typeMapping == nil { definition.typeMapping = "@id" }
                guard definition.typeMapping == "@id" || definition.typeMapping == "@vocab" else { throw .invalid("@type of \(term)") }
            }
        }
        if let index = entries["@index"] {
            guard definition.container.contains("@index"), let text = index.stringValue else { throw .invalid("@index of \(term)") }
            definition.index = text
        }
        if let context = entries["@context"] { definition.context = context }
        if let language = entries["@language"], entries["@type"] == nil {
            switch language {
            case .null: definition.language = .some(nil)
            case let .string(text): definition.language = .some(text.lowercased())
            default: throw .invalid("@language of \(term)")
            }
        }
        if let direction = entries["@direction"], entries["@type"] == nil {
            switch direction {
            case .null: definition.direction = .some(nil)
            case let .string(text) where text == "ltr" || text == "rtl": definition.direction = .some(text)
            default: throw .invalid("@direction of \(term)")
            }
        }
        if let nest = entries["@nest"] {
            guard let text = nest.stringValue, text == "@nest" || !JSONLDKeyword.isKeyword(text) else { throw .invalid("@nest of \(term)") }
            definition.nest = text
        }
        if let prefix = entries["@prefix"] {
            guard !term.contains(":"), !term.contains("/"), let flag = prefix.boolValue else { throw .invalid("@prefix of \(term)") }
            definition.prefix = flag
        }
        if !overrideProtected, let previous, previous.protected {
            guard definition.sameMeaning(as: previous) else { throw .protectedTermRedefinition(term) }
            definition = previous
        }
        result.terms[term] = definition
        defined[term] = true
    }
}

/// Processed contexts by how they were made; only pinned documents are ever loaded, so a context made
/// the same way is the same context. Bounded: emptied past 512 entries.
final class ProcessedContextCache: @unchecked Sendable {
    static let shared = ProcessedContextCache()
    private let lock = NSLock()
    private var contexts: [String: ActiveContext] = [:]

    func context(for key: String) -> ActiveContext? {
        lock.lock()
        defer { lock.unlock() }
        return contexts[key]
    }

    func store(_ context: ActiveContext, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        if contexts.count >= 512 { contexts.removeAll() }
        contexts[key] = context
    }
}
