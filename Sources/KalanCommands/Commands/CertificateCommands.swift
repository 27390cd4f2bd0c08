import ArgumentParser
import Foundation
import KalanCertificates
import KalanConfiguration
import KalanCore
import KalanFiles
import KalanStore
import NIOPosix

extension GlobalOptions {
    /// KALAN_SIGNING_KEY, else `signing-key.json` in the data folder.
    public var signingKeyPath: String {
        Self.settings.signingKey ?? resolvedDataDirectory.appendingPathComponent("signing-key.json").path
    }

    /// The address of a server started with no public URL: http://KALAN_HOST:KALAN_PORT.
    var defaultPublicURL: String {
        "http://\(Self.settings.host ?? "127.0.0.1"):\(Self.settings.port ?? 8080)"
    }

    public var serialPrefix: String { Self.settings.serialPrefix ?? "MCENMA" }
}

extension CommandContext {
    /// Certificates with the database's key and address (`CommandIssuer`): `.signs` for commands
    /// that sign, `.reads` for the others.
    func certificates(_ global: GlobalOptions, _ use: CommandIssuer.Use) async throws -> CertificateIssuing {
        try await CommandIssuer.issuing(self, global, for: use)
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The issuer's Ed25519 signing key.", subcommands: [Generate.self, Retire.self])

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a compromised key (admin): it leaves the issuer profile's assertionMethod; what it signed reads \"signed by a withdrawn key\".",
            discussion: "KEY is the key id the issuer profile lists (…/issuer#z6Mk… or did:key:…) or its publicKeyMultibase (z6Mk…).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Key id or publicKeyMultibase.") var key: String
        @Option(help: "Why (e.g. the key file was seen by someone else).") var reason: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuer = try await CommandIssuer.issuer(ctx, global, for: .reads)
                let issuing = CertificateIssuing(repository: ctx.repository, issuer: issuer, publicURL: issuer.publicURL, clock: ctx.clock)
                let keys = try await ctx.repository.transaction { try await $0.signingKeys() }
                let matches = keys.filter { !$0.retired && ($0.id == key || $0.publicKeyMultibase == key) }
                guard !matches.isEmpty else { throw CommandFailure(text: ctx.t("cli.keys.unknown", ["key": key]), code: 3) }
                // The key this database signs with: withdrawn only after a rotation, or nothing could sign.
                if let match = matches.first(where: { $0.publicKeyMultibase == issuer.publicKeyMultibase }) {
                    throw CommandFailure(text: ctx.t("cli.keys.in_use", ["key": match.id]), code: 4)
                }
                for match in matches where try await issuing.retireKey(match.id, reason: reason, actor: ctx.actor) {
                    ctx.say("cli.keys.retired", ["key": match.id])
                }
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a new key (Multikey JSON, mode 0600); never overwrites.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Key file (default KALAN_SIGNING_KEY or <data dir>/signing-key.json).") var out: String?

        func run() async throws {
            let path = out ?? global.signingKeyPath
            do {
                let key = try IssuerKeyFile.generate(at: path)
                print(key.publicKeyMultibase)
                FileHandle.standardError.write(Data("\(path)\n\(key.didKeyVerificationMethod)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("kalan: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Issue, show, verify and revoke certificates.",
        subcommands: [Issue.self, Show.self, Revoke.self, Reissue.self, PDF.self, Zip.self, Offer.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue for completed enrolments: STAFF --session CODE, or a whole --session.")
        @OptionGroup var global: GlobalOptions
        @Option var session: String
        @Argument(help: "Staff numbers; none means every completed enrolment of the session.") var staff: [String] = []

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuing = try await ctx.certificates(global, .signs)
                if staff.isEmpty {
                    let bar = ProgressBar()
                    let issued = try await issuing.issueSession(code: session, language: ctx.language, actor: ctx.actor, progress: bar.draw)
                    bar.finish()
                    for item in issued { ctx.print("\(item.content.trainee.staffNumber): \(item.certificate.serial)\(item.isNew ? "" : ctx.t("cli.certificate.already"))") }
                    ctx.say("cli.certificate.issued", ["count": "\(issued.filter(\.isNew).count)"])
                } else {
                    try await forEachStaff(staff, concurrency: 1, in: ctx) { number in
                        let item = try await issuing.issue(staffNumber: number, sessionCode: session, language: ctx.language, actor: ctx.actor)
                        return "\(number): \(item.certificate.serial)\(item.isNew ? "" : ctx.t("cli.certificate.already"))"
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the public verification page says about a serial; --credential prints the signed JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument var serial: String
        @Flag(help: "Print the signed credential (JSON).") var credential = false

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuing = try await ctx.certificates(global, .reads)
                if credential {
                    let (certificate, _) = try await issuing.content(serial: serial, language: ctx.language, actor: ctx.actor)
                    ctx.print(certificate.credential)
                    return
                }
                guard let v = try await issuing.verify(serial: serial, language: ctx.language) else { throw KalanError.notFound(.certificate, key: serial) }
                var rows = [
                    ["serial", v.serial], ["genuine", "\(v.genuine)"], ["status", v.status.rawValue], ["holder", v.holder],
                    ["course", "\(v.courseCode) – \(v.courseTitle) (\(v.hours) h)"], ["partner", v.partner], ["session", "\(v.sessionStart) → \(v.sessionEnd)"],
                    ["issued_on", "\(v.issuedOn)"], ["expires_on", v.expiresOn.map(\.description) ?? ""], ["verify", v.verificationURL],
                ]
                if let revoked = v.revokedOn { rows.append(["revoked_on", "\(revoked)"]) }
                ctx.print(Listing(columns: ["field", "value"], rows: rows).table())
                // The verdict codes of `credential verify`: 10 not genuine, 15 revoked, 14 expired.
                guard v.genuine else { throw ExitCode(CredentialChecker.Failure.proof.rawValue) }
                switch v.status {
                case .valid: break
                case .revoked: throw ExitCode(CredentialChecker.Failure.revoked.rawValue)
                case .expired: throw ExitCode(CredentialChecker.Failure.expired.rawValue)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate (admin), with a reason.")
        @OptionGroup var global: GlobalOptions
        @Argument var serial: String
        @Option var reason: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let c = try await ctx.certificates(global, .reads).revoke(serial: serial, reason: reason, actor: ctx.actor)
                ctx.say("cli.certificate.revoked", ["serial": "\(c.serial)"])
            }
        }
    }
}

extension CertificateCommand {
    struct Reissue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a certificate again from today's register (after a change of name): same serial and language, new proof; the old copy is revoked as superseded.",
            discussion: """
                --legacy reissues, in one run, every certificate whose credential has no status entry (signed before the status \
                list), so that each copy can be checked offline; a revoked one stays revoked and gets no new copy.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument var serial: String?
        @Flag(help: "Every certificate signed before the status list (no credentialStatus).") var legacy = false

        func validate() throws {
            if legacy == (serial != nil) { throw ValidationError("give a SERIAL or --legacy, not both") }
        }

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuing = try await ctx.certificates(global, .signs)
                guard let serial else {
                    let stopwatch = Stopwatch()
                    let bar = ProgressBar()
                    let outcome = try await issuing.reissueLegacy(actor: ctx.actor, progress: bar.draw)
                    bar.finish()
                    ctx.say(
                        "cli.certificate.legacy_reissued",
                        [
                            "reissued": "\(outcome.reissued.count)", "revoked": "\(outcome.revokedLeft.count)",
                            "seconds": String(format: "%.1f", stopwatch.seconds),
                        ])
                    return
                }
                // The credential's own language, whatever --lang says (--lang words the messages).
                let item = try await issuing.reissue(serial: serial, actor: ctx.actor)
                ctx.say("credentials.reissued", ["serial": item.certificate.serial])
            }
        }
    }

    struct PDF: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pdf", abstract: "Write a certificate as PDF (A4 landscape, QR code).")
        @OptionGroup var global: GlobalOptions
        @Argument var serial: String
        @Option(help: "Output file (default SERIAL.pdf).") var out: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let (_, content) = try await ctx.certificates(global, .reads).content(serial: serial, language: ctx.language, actor: ctx.actor)
                let path = out ?? "\(serial).pdf"
                try await CertificateRenderer.renderOffCooperativePool(content).write(to: URL(fileURLWithPath: path))
                ctx.print(path)
            }
        }
    }

    struct Zip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every certificate of a session as PDFs in one ZIP.")
        @OptionGroup var global: GlobalOptions
        @Option var session: String
        @Option(help: "Output file (default SESSION.zip).") var out: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuing = try await ctx.certificates(global, .reads)
                let serials = try await SessionQueries(repository: ctx.repository).serials(sessionCode: session, actor: ctx.actor)
                var archive = ZipArchive()
                let bar = ProgressBar()
                for (index, serial) in serials.enumerated() {
                    let (_, content) = try await issuing.content(serial: serial, language: ctx.language, actor: ctx.actor)
                    archive.add(
                        name: ZipArchive.safeFileName("\(serial) \(content.trainee.familyName) \(content.trainee.givenName)", extension: "pdf"),
                        data: try await CertificateRenderer.renderOffCooperativePool(content))
                    bar.draw(done: index + 1, total: serials.count)
                }
                bar.finish()
                let path = out ?? "\(session).zip"
                try archive.data().write(to: URL(fileURLWithPath: path))
                ctx.say("cli.certificate.zipped", ["certificates": "\(serials.count)", "path": "\(path)"])
            }
        }
    }
}

extension CertificateRenderer {
    /// Cairo draws synchronously (tens of milliseconds a page): on NIO's thread pool, not on
    /// Swift's cooperative threads.
    static func renderOffCooperativePool(_ content: CertificateContent) async throws -> Data {
        try await NIOThreadPool.singleton.runIfActive { try CertificateRenderer().render(content) }
    }
}
