import ArgumentParser
import Crypto
import Foundation
import KalanCertificates

/// Generic eddsa-jcs-2022 signing and verification of any JSON document.
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential", abstract: "Sign or verify any JSON document with an eddsa-jcs-2022 Data Integrity proof.",
        subcommands: [Sign.self, Verify.self])

    static func read(_ path: String) throws -> JSONValue {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw ValidationError("cannot read \(path)") }
        do { return try JSONValue(parsing: data) } catch { throw ValidationError("\(path): not JSON (\(error))") }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print FILE signed with KEYFILE's Ed25519 key.")
        @Option(help: "Multikey JSON with secretKeyMultibase.") var key: String
        @Option(name: .customLong("verification-method")) var verificationMethod: String
        @Option(help: "Proof creation time, RFC 3339.") var created: String?
        @Argument(help: "JSON file, or - for standard input.") var file: String

        func run() throws {
            let signingKey: Ed25519SigningKey
            do { signingKey = try IssuerKeyFile.load(key) } catch { throw ValidationError("--key: \(error)") }
            let document = try CredentialCommand.read(file)
            do {
                let signed = try DataIntegrity.sign(document, key: signingKey, verificationMethod: verificationMethod, created: created)
                print(try signed.serialized())
            } catch {
                throw ValidationError("cannot sign: \(error)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether FILE's proof is genuine (exit 0) or not (exit 1); did:key resolves offline.")
        @Option(name: .customLong("public-key"), help: "z6Mk… public key, when the verification method is not a did:key.") var publicKey: String?
        @Argument var file: String

        func run() throws {
            let document = try CredentialCommand.read(file)
            var key: Curve25519.Signing.PublicKey?
            if let publicKey {
                do { key = try Multikey.publicKey(fromMultibase: publicKey) } catch { throw ValidationError("--public-key: not an Ed25519 multikey") }
            }
            let result = DataIntegrity.verify(document, publicKey: key)
            switch result {
            case .verified(let method):
                print("genuine: \(method)")
            case .failed(let failure):
                print("not genuine: \(failure.rawValue)")
                throw ExitCode(1)
            }
        }
    }
}
