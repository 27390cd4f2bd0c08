import ArgumentParser
import Foundation
import KalanCertificates
import KalanConfiguration
import KalanCore
import KalanPasswords
import KalanStore
import Logging

/// `kalan db seed --demo`: the fixtures, demo accounts for every role, certificates for the
/// completed sessions.
enum DemoSeedCommand {
    static let logins: [(username: String, role: Role, name: String, password: String)] = [
        ("admin", .admin, "Administrateur Kalan", "kalan-admin-2026"),
        ("drh", .hr, "Awa Traoré (DRH)", "kalan-drh-2026"),
        ("formateur", .trainer, "Reza Ahmadi (ITRC)", "kalan-formateur-2026"),
        ("direction", .viewer, "Cabinet du Ministre", "kalan-direction-2026"),
    ]

    /// `--fixtures`, then KALAN_FIXTURES_DIR, then ./fixtures, then the source tree's.
    static func folder(_ flag: String?) throws -> URL {
        let candidates = [
            flag, GlobalOptions.settings.fixturesDirectory, "fixtures",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("fixtures").path,
        ].compactMap { $0 }
        for path in candidates where FileManager.default.fileExists(atPath: path + "/trainees.csv") { return URL(fileURLWithPath: path) }
        throw ValidationError("fixtures: no folder with trainees.csv; pass --fixtures or set KALAN_FIXTURES_DIR")
    }

    static func seed(_ ctx: CommandContext, fixtures: String?, ifEmpty: Bool, global: GlobalOptions) async throws {
        try await CommandIssuer.refuseDemo(ctx)
        let existing = try await ctx.repository.transaction { try await $0.trainees(TraineeFilter(limit: 1)) }
        if !existing.isEmpty {
            guard ifEmpty else { throw KalanError.duplicate(.trainee, key: "demo") }
            ctx.say("cli.seed.already")
            printLogins(ctx)
            return
        }
        let stopwatch = Stopwatch()
        let outcome = try await DemoSeed(repository: ctx.repository, folder: try folder(fixtures), today: ctx.clock.today()).run { step in
            ctx.logger.debug("demo seed", metadata: ["step": "\(step)"])
        }
        let accounts = Accounts(repository: ctx.repository, hasher: BcryptPasswordHasher(cost: 10), clock: ctx.clock)
        for login in logins {
            let user = try await accounts.addUser(
                username: login.username, displayName: login.name, email: "\(login.username)@communication.gouv.ml", role: login.role,
                partnerCode: login.role == .trainer ? "ITRC" : nil, password: login.password, actor: ctx.actor)
            if login.role == .trainer {
                try await ctx.repository.transaction { work in
                    guard let partner = try await work.partner(code: "ITRC") else { return }
                    for session in try await work.sessions(SessionFilter()) where session.partnerID == partner.id {
                        try await work.assignTrainer(userID: user.id, toSession: session.id)
                    }
                }
            }
        }
        var certificates = 0
        var sample: String?
        let issuing = try await ctx.certificates(global, .seedsDemo)
        for session in try await ctx.repository.transaction({ try await $0.sessions(SessionFilter()) }) where session.status == .completed {
            let issued = try await issuing.issueSession(code: session.code, language: .fr, actor: ctx.actor)
            certificates += issued.count
            sample = sample ?? issued.first?.certificate.serial
        }
        // Serials are random: the browser test and a curious reader need one to try the verification page.
        if let sample { ctx.say("credentials.seed_sample", ["serial": sample]) }
        ctx.say(
            "cli.seed.loaded",
            [
                "seconds": "\(String(format: "%.1f", stopwatch.seconds))", "trainees": "\(outcome.trainees)", "sessions": "\(outcome.sessions)",
                "enrolments": "\(outcome.enrolments)", "completed": "\(outcome.completed)", "certificates": "\(certificates)",
            ])
        printLogins(ctx)
    }

    static func printLogins(_ ctx: CommandContext) {
        ctx.say("cli.seed.accounts")
        ctx.print(Listing(columns: ["username", "role", "password"], rows: logins.map { [$0.username, $0.role.rawValue, $0.password] }).table())
    }
}
