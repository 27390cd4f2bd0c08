/// JSON-LD 1.1 Expansion (§5.1.2) with pinned contexts, strict: a property or type that no context
/// defines, or a relative IRI, is an error instead of being dropped (Data Integrity's "safe mode").
public struct JSONLDProcessor {
    let loader: JSONLDContextLoader

    /// `extraContexts`: more context documents by URL (tests); the pinned ones are always there.
    public init(extraContexts: [String: JSONValue] = [:]) {
        loader = JSONLDContextLoader(extra: extraContexts)
    }

    /// The expanded form of `document`: an array of node objects.
    public func expand(_ document: JSONValue) throws(JSONLDError) -> [JSONValue] {
        var expanded = try expand(ActiveContext(), property: nil, element: document)
        if case let .object(object) = expanded, object.count == 1, let graph = object["@graph"] { expanded = graph }
        switch expanded {
        case .null: return []
        case let .array(items): return items
        default: return [expanded]
        }
    }

    // MARK: - §5.1.2 Expansion Algorithm

    func expand(_ context: ActiveContext, property: String?, element: JSONValue, fromMap: Bool = false) throws(JSONLDError) -> JSONValue {
        let definition = property.flatMap { context.terms[$0] }
        switch element {
        case .null:
            return .null
        case .bool, .number, .string:
            if property == nil || property == "@graph" { return .null }
            var context = context
            if let scoped = definition?.context { context = try context.processed(scoped, loader: loader, overrideProtected: true) }
            return expandValue(context, property: property!, value: element)
        case let .array(items):
            var result: [JSONValue] = []
            for item in items {
                var expanded = try expand(context, property: property, element: item, fromMap: fromMap)
                if definition?.container.contains("@list") == true, case .array = expanded { expanded = ["@list": expanded] }
                switch expanded {
                case .null: break
                case let .array(inner): result.append(contentsOf: inner)
                default: result.append(expanded)
                }
            }
            return .array(result)
        case let .object(object):
            return try expandObject(context, property: property, definition: definition, object: object, fromMap: fromMap)
        }
    }

    private func expandObject(
        _ start: ActiveContext, property: String?, definition: TermDefinition?, object: JSONObject, fromMap: Bool
    ) throws(JSONLDError) -> JSONValue {
        var context = start
        // Step 7: a type-scoped context does not reach into node objects below.
        if let previous = context.previous.first, !fromMap {
            let expandedKeys = object.keys.map { context.expandIRI($0, vocab: true) }
            let keepsContext = expandedKeys.contains("@value") || (expandedKeys.count == 1 && expandedKeys[0] == "@id")
            if !keepsContext { context = previous }
        }
        if let scoped = definition?.context { context = try context.processed(scoped, loader: loader, overrideProtected: true) }
        if let local = object["@context"] { context = try context.processed(local, loader: loader) }
        let typeScoped = context
        var inputType: String?
        for key in object.keys.sorted() where context.expandIRI(key, vocab: true) == "@type" {
            let values = object[key].map { $0.arrayValue ?? [$0] } ?? []
            let terms = values.compactMap(\.stringValue)
            for term in terms.sorted() {
                if let scoped = typeScoped.terms[term]?.context {
                    context = try context.processed(scoped, loader: loader, propagate: false)
                }
            }
            if let last = terms.last { inputType = typeScoped.expandIRI(last, vocab: true) }
        }
        var result = JSONObject()
        try expandMembers(
            of: object, into: &result, context: context, typeScoped: typeScoped, property: property, inputType: inputType)
        return try finish(result, property: property)
    }

    /// Steps 13–14: every member of `object` (and of its nested objects) into `result`.
    private func expandMembers(
        of object: JSONObject, into result: inout JSONObject, context: ActiveContext, typeScoped: ActiveContext, property: String?,
        inputType: String?
    ) throws(JSONLDError) {
        var nests: [String] = []
        for member in object.members where member.key != "@context" {
            let key = member.key
            let value = member.value
            guard let expandedProperty = context.expandIRI(key, vocab: true),
                JSONLDKeyword.isKeyword(expandedProperty) || expandedProperty.contains(":")
            else { throw .undefinedTerm(key) }
            if JSONLDKeyword.isKeyword(expandedProperty) {
                if property == "@reverse" { throw .invalid("a keyword in a reverse property map") }
                if expandedProperty == "@nest" {
                    nests.append(key)
                    continue
                }
                if result.contains(expandedProperty), expandedProperty != "@type", expandedProperty != "@included" {
                    throw .invalid("colliding keywords \(expandedProperty)")
                }
                guard let expandedValue = try expandKeyword(expandedProperty, value, context: context, typeScoped: typeScoped, property: property, inputType: inputType) else {
                    continue
                }
                if expandedProperty == "@type", let existing = result["@type"] {
                    result["@type"] = .array((existing.arrayValue ?? [existing]) + (expandedValue.arrayValue ?? [expandedValue]))
                } else {
                    result[expandedProperty] = expandedValue
                }
                continue
            }
            let definition = context.terms[key]
            let container = definition?.container ?? []
            var expandedValue: JSONValue
            if definition?.typeMapping == "@json" {
                expandedValue = ["@value": value, "@type": "@json"]
            } else if container.contains("@language"), case let .object(map) = value {
                expandedValue = try languageMap(map, context: context, definition: definition)
            } else if !container.isDisjoint(with: ["@index", "@type", "@id"]), case .object = value {
                throw .unsupported("index, type and id maps (\(key))")
            } else {
                expandedValue = try expand(context, property: key, element: value)
            }
            if expandedValue.isNull { continue }
            if container.contains("@list"), expandedValue["@list"] == nil {
                expandedValue = ["@list": .array(expandedValue.arrayValue ?? [expandedValue])]
            }
            if container.contains("@graph"), !container.contains("@id"), !container.contains("@index") {
                expandedValue = .array((expandedValue.arrayValue ?? [expandedValue]).map { ["@graph": .array($0.arrayValue ?? [$0])] })
            }
            if definition?.reverse == true { throw .unsupported("reverse properties (\(key))") }
            let items = expandedValue.arrayValue ?? [expandedValue]
            let existing = result[expandedProperty]?.arrayValue ?? []
            result[expandedProperty] = .array(existing + items)
        }
        for nestKey in nests.sorted() {
            let values = object[nestKey].map { $0.arrayValue ?? [$0] } ?? []
            for nested in values {
                guard case let .object(nestedObject) = nested,
                    !nestedObject.keys.contains(where: { context.expandIRI($0, vocab: true) == "@value" })
                else { throw .invalid("@nest value") }
                try expandMembers(of: nestedObject, into: &result, context: context, typeScoped: typeScoped, property: property, inputType: inputType)
            }
        }
    }

    /// Step 13.4: one keyword's value; nil to leave it out.
    private func expandKeyword(
        _ keyword: String, _ value: JSONValue, context: ActiveContext, typeScoped: ActiveContext, property: String?, inputType: String?
    ) throws(JSONLDError) -> JSONValue? {
        switch keyword {
        case "@id":
            guard let text = value.stringValue else { throw .invalid("@id value") }
            return .string(try absolute(context.expandIRI(text), text))
        case "@type":
            let values = value.arrayValue ?? [value]
            var expanded: [JSONValue] = []
            for item in values {
                guard let text = item.stringValue else { throw .invalid("@type value") }
                guard let iri = typeScoped.expandIRI(text, vocab: true) else { throw .undefinedTerm(text) }
                guard JSONLDKeyword.isAbsoluteIRI(iri) || JSONLDKeyword.isBlankNode(iri) || iri == "@json" else { throw .undefinedTerm(text) }
                expanded.append(.string(iri))
            }
            return value.arrayValue == nil ? expanded[0] : .array(expanded)
        case "@graph":
            let expanded = try expand(typeScoped, property: "@graph", element: value)
            return .array(expanded.arrayValue ?? [expanded])
        case "@included":
            let expanded = try expand(context, property: nil, element: value)
            return .array(expanded.arrayValue ?? [expanded])
        case "@value":
            if inputType == "@json" { return value }
            switch value {
            case .null, .bool, .number, .string: return value
            default: throw .invalid("@value value")
            }
        case "@language":
            guard let text = value.stringValue else { throw .invalid("@language value") }
            return .string(text)
        case "@direction":
            guard let text = value.stringValue, text == "ltr" || text == "rtl" else { throw .invalid("@direction value") }
            return .string(text)
        case "@index":
            guard value.stringValue != nil else { throw .invalid("@index value") }
            return value
        case "@list":
            if property == nil || property == "@graph" { return nil }
            let expanded = try expand(context, property: property, element: value)
            return .array(expanded.arrayValue ?? [expanded])
        case "@set":
            return try expand(context, property: property, element: value)
        case "@reverse":
            throw .unsupported("@reverse")
        default:
            throw .unsupported(keyword)
        }
    }

    private func absolute(_ iri: String?, _ original: String) throws(JSONLDError) -> String {
        guard let iri, JSONLDKeyword.isAbsoluteIRI(iri) || JSONLDKeyword.isBlankNode(iri) else { throw .relativeIRI(original) }
        return iri
    }

    /// §5.3.2 Value Expansion.
    func expandValue(_ context: ActiveContext, property: String, value: JSONValue) -> JSONValue {
        let definition = context.terms[property]
        if let text = value.stringValue {
            if definition?.typeMapping == "@id" { return ["@id": .string(context.expandIRI(text) ?? text)] }
            if definition?.typeMapping == "@vocab" { return ["@id": .string(context.expandIRI(text, vocab: true) ?? text)] }
        }
        var result: JSONObject = ["@value": value]
        if let type = definition?.typeMapping, !["@id", "@vocab", "@none"].contains(type) {
            result["@type"] = .string(type)
        } else if value.stringValue != nil {
            let language = definition?.language ?? context.defaultLanguage
            if let language { result["@language"] = .string(language) }
            let direction = definition?.direction ?? context.defaultDirection
            if let direction { result["@direction"] = .string(direction) }
        }
        return .object(result)
    }

    /// A language map: each language's strings as language-tagged values.
    private func languageMap(_ map: JSONObject, context: ActiveContext, definition: TermDefinition?) throws(JSONLDError) -> JSONValue {
        var result: [JSONValue] = []
        for language in map.keys.sorted() {
            let values = map[language].map { $0.arrayValue ?? [$0] } ?? []
            for item in values {
                if item.isNull { continue }
                guard item.stringValue != nil else { throw .invalid("language map value") }
                var value: JSONObject = ["@value": item]
                if language != "@none", context.expandIRI(language, vocab: true) != "@none" { value["@language"] = .string(language.lowercased()) }
                if let direction = definition?.direction ?? context.defaultDirection { value["@direction"] = .string(direction) }
                result.append(.object(value))
            }
        }
        return .array(result)
    }

    /// Steps 15–20: checks value, list and set objects; drops what stands for nothing.
    private func finish(_ start: JSONObject, property: String?) throws(JSONLDError) -> JSONValue {
        var result = start
        if let value = result["@value"] {
            let allowed: Set<String> = ["@direction", "@index", "@language", "@type", "@value"]
            guard result.keys.allSatisfy(allowed.contains) else { throw .invalid("value object with other members") }
            if result["@type"] != nil, result["@language"] != nil || result["@direction"] != nil { throw .invalid("typed value with a language") }
            if result["@type"] == "@json" { return .object(result) }
            if value.isNull { return .null }
            if value.stringValue == nil, result["@language"] != nil { throw .invalid("a language-tagged value that is not a string") }
            if let type = result["@type"], !(type.stringValue.map { JSONLDKeyword.isAbsoluteIRI($0) } ?? false) {
                throw .invalid("value type")
            }
            return .object(result)
        }
        if let type = result["@type"], type.arrayValue == nil { result["@type"] = [type] }
        if result["@set"] != nil || result["@list"] != nil {
            guard result.keys.allSatisfy({ $0 == "@set" || $0 == "@list" || $0 == "@index" }), result.count <= 2 else {
                throw .invalid("set or list object with other members")
            }
            if let set = result["@set"] { return set }
        }
        if result.count == 1, result["@language"] != nil { return .null }
        if property == nil || property == "@graph" {
            if result.isEmpty || result["@value"] != nil || result["@list"] != nil { return .null }
            if result.count == 1, result["@id"] != nil { return .null }
        }
        return .object(result)
    }
}
