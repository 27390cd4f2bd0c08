import ArgumentParser
import Foundation
import KalanCertificates

extension CredentialCommand {
    /// What eddsa-rdfc-2022 signs, to compare with another JSON-LD processor (e.g. PyLD).
    struct Canonicalize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the RDFC-1.0 canonical N-Quads of a JSON-LD document, as eddsa-rdfc-2022 signs it.",
            discussion: """
                The document is expanded with the pinned contexts only (VC 2.0 and 1.1, OB 3.0.3, Data Integrity, Multikey, \
                DID, Ed25519Signature2020; nothing is fetched): an unknown context, a term no context defines or a relative IRI \
                is refused. Its `proof` is left out unless --with-proof is given.
                """)
        @Flag(name: .customLong("with-proof"), help: "Canonicalize the document with its proof.") var withProof = false
        @Argument(help: "JSON-LD file, or - for standard input.") var file: String

        func run() throws {
            var document = try CredentialCommand.read(file)
            if !withProof { document["proof"] = nil }
            do {
                print(try LinkedDataCanonicalization.nquads(of: document), terminator: "")
            } catch {
                throw ValidationError("cannot canonicalize: \(error)")
            }
        }
    }
}
