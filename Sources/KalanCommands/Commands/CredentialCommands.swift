import ArgumentParser
import Crypto
import Foundation
import KalanCertificates
import KalanConfiguration
import KalanCore
import KalanStore

/// Generic Data Integrity signing (eddsa-jcs-2022, or eddsa-rdfc-2022 for JSON-LD with the pinned
/// contexts), verification and RDF canonicalization of any JSON document.
struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential", abstract: "Sign, verify or canonicalize any JSON document with a Data Integrity proof.",
        subcommands: [Sign.self, Verify.self, Canonicalize.self])

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
        @Option(help: "eddsa-jcs-2022 (any JSON) or eddsa-rdfc-2022 (JSON-LD with the pinned contexts).")
        var cryptosuite = DataIntegrity.cryptosuite
        @Argument(help: "JSON file, or - for standard input.") var file: String

        func run() throws {
            let signingKey: Ed25519SigningKey
            do { signingKey = try IssuerKeyFile.load(key) } catch { throw ValidationError("--key: \(error)") }
            guard DataIntegrity.verifiedSuites.contains(cryptosuite) else { throw ValidationError("--cryptosuite: \(cryptosuite) is not supported") }
            let document = try CredentialCommand.read(file)
            do {
                let signed =
                    cryptosuite == EddsaRdfc2022.cryptosuite
                    ? try EddsaRdfc2022.sign(document: document, key: signingKey, verificationMethod: verificationMethod, created: created)
                    : try DataIntegrity.sign(document, key: signingKey, verificationMethod: verificationMethod, created: created)
                print(try signed.serialized())
            } catch {
                throw ValidationError("cannot sign: \(error)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a credential as a relying party would: proof, issuer binding, validity dates, revocation status.",
            discussion: """
                Exit codes: 0 genuine, bound to its issuer, valid and not revoked (as of the status list's date); 10 proof not \
                genuine; 11 key not listed under the issuer profile's assertionMethod; 12 no issuer profile to check the binding \
                (give --issuer-profile); 13 not yet valid; 14 expired; 15 revoked (or a copy replaced by a reissue); 16 no status \
                list to check the status (give --status-list); 17 status list unreadable or not signed by the issuer; 18 status \
                list out of date (past its validUntil: download it again); 19 signed by a withdrawn key; 20 status cannot be \
                checked offline (no status entry: a credential from before the status list); 64 bad usage. The issuer profile and \
                status list are read from files, or, for this Kalan's own credentials (issuer <public URL>/issuer), from its \
                database, which also answers for credentials without a status entry. Nothing is fetched from the network.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("public-key"), help: "z6Mk… public key, when the verification method is not a did:key (proof check).")
        var publicKey: String?
        @Option(name: .customLong("issuer-profile"), help: "The issuer's profile (JSON) listing its keys under assertionMethod.")
        var issuerProfile: String?
        @Option(name: .customLong("status-list"), help: "The status list credential (JSON) the credential points to.") var statusList: String?
        @Flag(name: .customLong("proof-only"), help: "Check the signature alone (e.g. the W3C test vector).") var proofOnly = false
        @Argument var file: String

        func run() async throws {
            let language = global.language
            let document = try CredentialCommand.read(file)
            var given = CredentialChecker.Evidence()
            if let publicKey {
                do { given.publicKey = try Multikey.publicKey(fromMultibase: publicKey) } catch { throw ValidationError("--public-key: not an Ed25519 multikey") }
            }
            if let issuerProfile { given.profile = try CredentialCommand.read(issuerProfile) }
            if let statusList { given.statusList = try CredentialCommand.read(statusList) }
            let ownIssuer = CommandIssuer.normalisedPublicURL(GlobalOptions.settings.publicURL ?? global.defaultPublicURL) + "/issuer"
            var own: CredentialChecker.Outcome?
            if CredentialVerification.needsOwnRecords(document, given: given, ownIssuerID: ownIssuer, proofOnly: proofOnly) {
                // Kalan's own credential: its profile and status list come from this Kalan's database, offline.
                try await CommandContext.run(global) { ctx in
                    let issuer = try await CommandIssuer.issuer(ctx, global, for: .reads)
                    let verification = CredentialVerification(issuer: issuer, records: CredentialRecords(repository: ctx.repository), clock: .system)
                    own = try await verification.check(document, given: given, proofOnly: proofOnly)
                }
            }
            // Someone else's credential: the same policy, on the files given.
            let outcome = own ?? CredentialChecker(given, now: WallClock.system.now()).check(document, proofOnly: proofOnly)
            if let failure = outcome.failure {
                if let superseded = outcome.supersededAt {
                    print(Messages.text("credentials.superseded", language, ["day": Format.day(Day.of(superseded), language)]))
                } else if outcome.replaced {
                    print(Messages.text("credentials.replaced", language))
                } else {
                    print(Messages.text(failure.messageKey, language, outcome.values))
                }
                throw ExitCode(failure.rawValue)
            }
            print(Messages.text(proofOnly ? "credentials.check.proof_ok" : "credentials.check.genuine", language, outcome.values))
        }
    }
}
