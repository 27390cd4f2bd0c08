import ArgumentParser
import Foundation
import KalanCertificates
import KalanConfiguration
import KalanCore
import KalanStore

/// One key and one address for every command: a command uses the signing key and the public
/// address that the database records (`signing_key_in_use`, `issuer_address`), never a key it
/// made up or the loopback address by accident.
///
/// - Key: the file at KALAN_SIGNING_KEY (or the data folder's) must exist and be the database's
///   key; a database with no key yet records it. Only `db seed --demo` creates a missing key.
/// - Address: the recorded one; a different KALAN_PUBLIC_URL is refused. With none recorded, a
///   command that signs records the KALAN_PUBLIC_URL it was given, or refuses (demo data, or
///   KALAN_ALLOW_LOOPBACK_URL=1, aside).
public enum CommandIssuer {
    enum Use { case reads, signs, seedsDemo }

    static func issuing(_ ctx: CommandContext, _ global: GlobalOptions, for use: Use) async throws -> CertificateIssuing {
        let issuer = try await issuer(ctx, global, for: use)
        return CertificateIssuing(
            repository: ctx.repository, issuer: issuer, serialPrefix: global.serialPrefix, publicURL: issuer.publicURL, clock: ctx.clock)
    }

    static func issuer(_ ctx: CommandContext, _ global: GlobalOptions, for use: Use) async throws -> OpenBadgeIssuer {
        let pool = ctx.runtime.pool
        let path = global.signingKeyPath
        if use == .seedsDemo { try await SigningKeyInUse.markDemo(on: pool) }
        let recorded = try await SigningKeyInUse.record(on: pool)
        guard use == .seedsDemo || FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(text: ctx.t("cli.serve.no_key", ["path": path]), code: 4)
        }
        let key = try use == .seedsDemo ? IssuerKeyFile.loadOrCreate(path) : IssuerKeyFile.load(path)
        if use == .reads {
            if let database = recorded.keyID, database != key.didKey {
                throw CommandFailure(text: ctx.t("cli.serve.other_key", ["database": database, "mine": key.didKey, "path": path]), code: 4)
            }
        } else if case .other(let database) = try await SigningKeyInUse.claim(key.didKey, rotate: false, on: pool) {
            throw CommandFailure(text: ctx.t("cli.serve.other_key", ["database": database, "mine": key.didKey, "path": path]), code: 4)
        }
        return OpenBadgeIssuer(key: key, publicURL: try await publicURL(ctx, global, recorded: recorded, for: use))
    }

    /// The address certificates carry: recorded, else given (recorded now by a command that signs),
    /// else the loopback default — for reading, or for signing demo data only.
    static func publicURL(_ ctx: CommandContext, _ global: GlobalOptions, recorded: SigningKeyInUse.Record, for use: Use) async throws -> String {
        let given = GlobalOptions.settings.publicURL.map(normalisedPublicURL)
        if let database = recorded.publicURL {
            if let given, given != database {
                throw CommandFailure(text: ctx.t("cli.serve.other_url", ["database": database, "mine": given]), code: 4)
            }
            return database
        }
        if let given {
            if use != .reads { try await SigningKeyInUse.recordPublicURL(given, replace: false, on: ctx.runtime.pool) }
            return given
        }
        // The loopback address only for demo data, or when the operator says so (a trial on this machine).
        if use == .signs, !recorded.demo, ProcessInfo.processInfo.environment["KALAN_ALLOW_LOOPBACK_URL"] != "1" {
            throw CommandFailure(text: ctx.t("cli.serve.no_url"), code: 4)
        }
        return global.defaultPublicURL
    }

    /// Demo data brings known passwords and signs demo certificates: never on a database that
    /// serves a public address other than this machine's loopback.
    static func refuseDemo(_ ctx: CommandContext) async throws {
        guard let url = try await SigningKeyInUse.record(on: ctx.runtime.pool).publicURL, let host = URL(string: url)?.host?.lowercased(),
            !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        else { return }
        throw CommandFailure(text: ctx.t("cli.seed.production", ["url": url]), code: 4)
    }

    /// `https://kalan.example.ml/` and `https://kalan.example.ml` are one address.
    public static func normalisedPublicURL(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
