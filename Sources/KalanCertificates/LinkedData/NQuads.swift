/// Why an N-Quads text could not be read; `line` counts from 1.
public struct NQuadsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let reason: String
    public var description: String { "N-Quads line \(line): \(reason)" }
}

/// N-Quads (RDF 1.1/1.2): a reader for test data, and the canonical form RDFC-1.0 hashes and sorts.
public enum NQuads {
    // MARK: - Canonical writing

    /// The canonical N-Quads line of `quad`, with its final "\n".
    public static func line(_ quad: RDFQuad) -> String {
        var text = term(quad.subject) + " " + term(quad.predicate) + " " + term(quad.object)
        if let graph = quad.graph { text += " " + term(graph) }
        return text + " .\n"
    }

    public static func serialize(_ quads: [RDFQuad]) -> String {
        quads.map(line).joined()
    }

    static func term(_ term: RDFTerm) -> String {
        switch term {
        case let .iri(iri): return "<" + iri + ">"
        case let .blankNode(label): return "_:" + label
        case let .literal(value, datatype, language):
            let quoted = "\"" + escape(value) + "\""
            if let language { return quoted + "@" + language }
            if datatype == RDFTerm.xsdString { return quoted }
            return quoted + "^^<" + datatype + ">"
        }
    }

    /// Canonical escaping: \b \t \n \f \r \" \\ as ECHAR, other controls and U+007F as \u00XX.
    static func escape(_ value: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\u{8}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{C}": out += "\\f"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Reading

    public static func parse(_ text: String) throws(NQuadsError) -> [RDFQuad] {
        var quads: [RDFQuad] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated() {
            var reader = LineReader(scalars: Array(line.unicodeScalars), line: number + 1)
            reader.skipSpace()
            if reader.atEnd || reader.peek == "#" { continue }
            let subject = try reader.term()
            reader.skipSpace()
            let predicate = try reader.term()
            reader.skipSpace()
            let object = try reader.term()
            reader.skipSpace()
            var graph: RDFTerm?
            if reader.peek != "." {
                graph = try reader.term()
                reader.skipSpace()
            }
            guard reader.peek == "." else { throw reader.error("expected '.'") }
            reader.position += 1
            reader.skipSpace()
            guard reader.atEnd || reader.peek == "#" else { throw reader.error("text after '.'") }
            guard case .iri = predicate, subject.isSubject, graph?.isSubject ?? true else {
                throw reader.error("a term in the wrong position")
            }
            quads.append(RDFQuad(subject: subject, predicate: predicate, object: object, graph: graph))
        }
        return quads
    }

    private struct LineReader {
        let scalars: [Unicode.Scalar]
        let line: Int
        var position = 0

        var atEnd: Bool { position >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        func error(_ reason: String) -> NQuadsError { NQuadsError(line: line, reason: reason) }

        mutating func skipSpace() {
            while let scalar = peek, scalar == " " || scalar == "\t" { position += 1 }
        }

        mutating func term() throws(NQuadsError) -> RDFTerm {
            switch peek {
            case "<": return .iri(try iri())
            case "_":
                guard position + 1 < scalars.count, scalars[position + 1] == ":" else { throw error("bad blank node") }
                position += 2
                var label = ""
                while let scalar = peek, scalar != " ", scalar != "\t" {
                    label.unicodeScalars.append(scalar)
                    position += 1
                }
                // A label may not end with '.': that '.' ends the statement.
                while label.hasSuffix(".") {
                    label.removeLast()
                    position -= 1
                }
                guard !label.isEmpty else { throw error("empty blank node label") }
                return .blankNode(label)
            case "\"": return try literal()
            default: throw error("unexpected character")
            }
        }

        mutating func iri() throws(NQuadsError) -> String {
            position += 1
            var value = ""
            while true {
                guard let scalar = peek else { throw error("unterminated IRI") }
                position += 1
                if scalar == ">" { return value }
                if scalar == "\\" {
                    value.unicodeScalars.append(try unicodeEscape())
                } else {
                    value.unicodeScalars.append(scalar)
                }
            }
        }

        mutating func unicodeEscape() throws(NQuadsError) -> Unicode.Scalar {
            guard let kind = peek, kind == "u" || kind == "U" else { throw error("bad escape") }
            position += 1
            let count = kind == "u" ? 4 : 8
            guard position + count <= scalars.count else { throw error("bad escape") }
            var hex = ""
            for scalar in scalars[position..<position + count] { hex.unicodeScalars.append(scalar) }
            position += count
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { throw error("bad escape") }
            return scalar
        }

        mutating func literal() throws(NQuadsError) -> RDFTerm {
            position += 1
            var value = ""
            while true {
                guard let scalar = peek else { throw error("unterminated literal") }
                position += 1
                if scalar == "\"" { break }
                guard scalar == "\\" else {
                    value.unicodeScalars.append(scalar)
                    continue
                }
                guard let escaped = peek else { throw error("bad escape") }
                switch escaped {
                case "t": value += "\t"
                case "b": value += "\u{8}"
                case "n": value += "\n"
                case "r": value += "\r"
                case "f": value += "\u{C}"
                case "\"": value += "\""
                case "'": value += "'"
                case "\\": value += "\\"
                case "u", "U":
                    value.unicodeScalars.append(try unicodeEscape())
                    continue
                default: throw error("bad escape")
                }
                position += 1
            }
            if peek == "@" {
                position += 1
                var language = ""
                while let scalar = peek, scalar == "-" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    language.unicodeScalars.append(scalar)
                    position += 1
                }
                guard !language.isEmpty else { throw error("empty language tag") }
                return .literal(value, datatype: RDFTerm.langString, language: language)
            }
            if peek == "^" {
                guard position + 2 < scalars.count, scalars[position + 1] == "^", scalars[position + 2] == "<" else { throw error("bad datatype") }
                position += 2
                return .literal(value, datatype: try iri(), language: nil)
            }
            return .literal(value, datatype: RDFTerm.xsdString, language: nil)
        }
    }
}

extension RDFTerm {
    var isSubject: Bool {
        switch self {
        case .iri, .blankNode: true
        case .literal: false
        }
    }
}
