import Crypto

/// Why a dataset was not canonicalized.
public enum RDFCanonicalizationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The blank nodes are so alike that telling them apart would take more than `limit` steps of the
    /// N-degree hash (a "poison graph"): refused instead of computed.
    case tooComplex(limit: Int)

    public var description: String {
        switch self {
        case let .tooComplex(limit):
            "the dataset's blank nodes need more than \(limit) steps of RDFC-1.0's N-degree hash: refused as a poison graph"
        }
    }
}

/// RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024), with SHA-256 (or SHA-384).
///
/// The work is bounded: every call of Hash N-Degree Quads and every permutation it tries counts one
/// step, and more than `maxSteps` refuses the dataset. A credential's blank nodes hash apart at the first
/// degree and take no step; the whole W3C test suite takes at most 3,348 (tests 044–046), a 10-node
/// clique (the suite's poison graph) is refused after 10,000, in a fraction of a second.
public struct RDFC10 {
    public enum HashAlgorithm: Sendable { case sha256, sha384 }

    public static let defaultMaxSteps = 10_000

    public let hashAlgorithm: HashAlgorithm
    public let maxSteps: Int

    public init(hashAlgorithm: HashAlgorithm = .sha256, maxSteps: Int = RDFC10.defaultMaxSteps) {
        self.hashAlgorithm = hashAlgorithm
        self.maxSteps = maxSteps
    }

    /// The result: the canonical quads (sorted canonical N-Quads lines) and the issued identifiers map.
    public struct Result: Sendable {
        public var issuedIdentifiers: [String: String]
        public var lines: [String]
        /// The steps of the N-degree hash taken.
        public var steps: Int
        /// The canonical N-Quads document.
        public var nquads: String { lines.joined() }
    }

    public func canonicalize(_ dataset: RDFDataset) throws(RDFCanonicalizationError) -> Result {
        var state = State(quads: dataset.quads, algorithm: hashAlgorithm, maxSteps: maxSteps)
        try state.run()
        let issued = state.canonicalIssuer
        var lines = Set<String>()
        for quad in dataset.quads {
            lines.insert(NQuads.line(quad.renamingBlankNodes { issued.issued[$0] ?? $0 }))
        }
        return Result(issuedIdentifiers: issued.issued, lines: lines.sorted(by: codePointLess), steps: state.steps)
    }

    public func canonicalNQuads(_ dataset: RDFDataset) throws(RDFCanonicalizationError) -> String {
        try canonicalize(dataset).nquads
    }
}

/// Code point order (UTF-8 byte order is the same), not Swift's canonical-equivalence order.
func codePointLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// §4.5 Issue Identifier: a prefix and a counter, remembering the order identifiers were issued in.
struct IdentifierIssuer {
    let prefix: String
    var counter = 0
    var issued: [String: String] = [:]
    var order: [String] = []

    init(prefix: String) { self.prefix = prefix }

    mutating func issue(_ existing: String) -> String {
        if let identifier = issued[existing] { return identifier }
        let identifier = prefix + String(counter)
        counter += 1
        issued[existing] = identifier
        order.append(existing)
        return identifier
    }
}

extension RDFC10 {
    struct State {
        let quads: [RDFQuad]
        let algorithm: HashAlgorithm
        let maxSteps: Int
        var steps = 0
        var canonicalIssuer = IdentifierIssuer(prefix: "c14n")
        /// Blank node label → indexes of the quads that mention it.
        var blankNodeQuads: [String: [Int]] = [:]
        var firstDegreeHashes: [String: String] = [:]

        init(quads: [RDFQuad], algorithm: HashAlgorithm, maxSteps: Int) {
            (self.quads, self.algorithm, self.maxSteps) = (quads, algorithm, maxSteps)
        }

        func hash(_ text: String) -> String {
            switch algorithm {
            case .sha256: SHA256.hash(data: Array(text.utf8)).map(Self.hex).joined()
            case .sha384: SHA384.hash(data: Array(text.utf8)).map(Self.hex).joined()
            }
        }

        static func hex(_ byte: UInt8) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }

        // §4.4.3 Canonicalization Algorithm, steps 2–6.
        mutating func run() throws(RDFCanonicalizationError) {
            for (index, quad) in quads.enumerated() {
                for label in [quad.subject.blankNodeLabel, quad.object.blankNodeLabel, quad.graph?.blankNodeLabel].compactMap({ $0 }) {
                    if blankNodeQuads[label]?.last != index { blankNodeQuads[label, default: []].append(index) }
                }
            }
            var hashToBlankNodes: [String: [String]] = [:]
            for label in blankNodeQuads.keys.sorted(by: codePointLess) {
                hashToBlankNodes[firstDegreeHash(label), default: []].append(label)
            }
            var shared: [(String, [String])] = []
            for hash in hashToBlankNodes.keys.sorted(by: codePointLess) {
                let labels = hashToBlankNodes[hash]!
                if labels.count == 1 {
                    _ = canonicalIssuer.issue(labels[0])
                } else {
                    shared.append((hash, labels))
                }
            }
            for (_, labels) in shared {
                var hashPaths: [(hash: String, issuer: IdentifierIssuer)] = []
                for label in labels where canonicalIssuer.issued[label] == nil {
                    var temporary = IdentifierIssuer(prefix: "b")
                    _ = temporary.issue(label)
                    hashPaths.append(try nDegreeHash(label, issuer: temporary))
                }
                for path in hashPaths.sorted(by: { codePointLess($0.hash, $1.hash) }) {
                    for existing in path.issuer.order { _ = canonicalIssuer.issue(existing) }
                }
            }
        }

        /// §4.6 Hash First Degree Quads.
        mutating func firstDegreeHash(_ label: String) -> String {
            if let known = firstDegreeHashes[label] { return known }
            let lines = (blankNodeQuads[label] ?? []).map { index in
                NQuads.line(quads[index].renamingBlankNodes { $0 == label ? "a" : "z" })
            }
            let result = hash(lines.sorted(by: codePointLess).joined())
            firstDegreeHashes[label] = result
            return result
        }

        /// §4.7 Hash Related Blank Node.
        mutating func relatedHash(_ related: String, quad: RDFQuad, issuer: IdentifierIssuer, position: String) -> String {
            let identifier: String
            if let canonical = canonicalIssuer.issued[related] {
                identifier = "_:" + canonical
            } else if let temporary = issuer.issued[related] {
                identifier = "_:" + temporary
            } else {
                identifier = firstDegreeHash(related)
            }
            var input = position
            if position != "g" { input += NQuads.term(quad.predicate) }
            return hash(input + identifier)
        }

        mutating func step() throws(RDFCanonicalizationError) {
            steps += 1
            if steps > maxSteps { throw .tooComplex(limit: maxSteps) }
        }

        /// §4.8 Hash N-Degree Quads.
        mutating func nDegreeHash(_ label: String, issuer start: IdentifierIssuer) throws(RDFCanonicalizationError) -> (
            hash: String, issuer: IdentifierIssuer
        ) {
            try step()
            var issuer = start
            var related: [String: [String]] = [:]
            for index in blankNodeQuads[label] ?? [] {
                let quad = quads[index]
                let components: [(RDFTerm?, String)] = [(quad.subject, "s"), (quad.object, "o"), (quad.graph, "g")]
                for case let (term?, position) in components {
                    guard let other = term.blankNodeLabel, other != label else { continue }
                    let relatedHash = relatedHash(other, quad: quad, issuer: issuer, position: position)
                    related[relatedHash, default: []].append(other)
                }
            }
            var data = ""
            for relatedHash in related.keys.sorted(by: codePointLess) {
                data += relatedHash
                var chosenPath = ""
                var chosenIssuer: IdentifierIssuer?
                var permutations = Permutations(related[relatedHash]!)
                while let permutation = permutations.next() {
                    try step()
                    var issuerCopy = issuer
                    var path = ""
                    var recursion: [String] = []
                    var skip = false
                    for node in permutation {
                        if let canonical = canonicalIssuer.issued[node] {
                            path += "_:" + canonical
                        } else {
                            if issuerCopy.issued[node] == nil { recursion.append(node) }
                            path += "_:" + issuerCopy.issue(node)
                        }
                        if !chosenPath.isEmpty, path.utf8.count >= chosenPath.utf8.count, codePointLess(chosenPath, path) {
                            skip = true
                            break
                        }
                    }
                    if skip { continue }
                    for node in recursion {
                        let result = try nDegreeHash(node, issuer: issuerCopy)
                        path += "_:" + issuerCopy.issue(node)
                        path += "<" + result.hash + ">"
                        issuerCopy = result.issuer
                        if !chosenPath.isEmpty, path.utf8.count >= chosenPath.utf8.count, codePointLess(chosenPath, path) {
                            skip = true
                            break
                        }
                    }
                    if skip { continue }
                    if chosenPath.isEmpty || codePointLess(path, chosenPath) {
                        chosenPath = path
                        chosenIssuer = issuerCopy
                    }
                }
                data += chosenPath
                if let chosenIssuer { issuer = chosenIssuer }
            }
            return (hash(data), issuer)
        }
    }
}

/// Every order of a list, by Heap's algorithm (lazily: a poison graph stops at the step limit).
struct Permutations {
    private var items: [String]
    private var counters: [Int]
    private var index = 0
    private var started = false

    init(_ items: [String]) {
        self.items = items
        counters = Array(repeating: 0, count: items.count)
    }

    mutating func next() -> [String]? {
        if !started {
            started = true
            return items
        }
        while index < items.count {
            if counters[index] < index {
                items.swapAt(index % 2 == 0 ? 0 : counters[index], index)
                counters[index] += 1
                index = 0
                return items
            }
            counters[index] = 0
            index += 1
        }
        return nil
    }
}
