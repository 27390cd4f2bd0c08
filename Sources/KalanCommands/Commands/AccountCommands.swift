import ArgumentParser
import Foundation
import KalanConfiguration
import KalanCore
import KalanPasswords

extension CommandContext {
    var accounts: Accounts { Accounts(repository: repository, hasher: BcryptPasswordHasher(), clock: clock) }
}

/// Reads a password from KALAN_PASSWORD or, on a terminal, without echo.
func readPassword(_ prompt: String) throws -> String {
    if let password = GlobalOptions.settings.password { return password }
    guard isatty(STDIN_FILENO) == 1, let pointer = getpass(prompt) else {
        throw ValidationError("password: set KALAN_PASSWORD or run on a terminal")
    }
    return String(cString: pointer)
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Accounts: admin, hr, trainer (of a partner), viewer.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password comes from KALAN_PASSWORD or a prompt.")
        @OptionGroup var global: GlobalOptions
        @Argument var username: String
        @Option(help: "admin, hr, trainer, viewer.") var role: String
        @Option(name: .customLong("name")) var displayName: String
        @Option var email: String?
        @Option(help: "Partner code (trainers).") var partner: String?

        func run() async throws {
            let password = try readPassword("Mot de passe / password: ")
            try await CommandContext.run(global) { ctx in
                let role = try Validate.choice(role, as: Role.self, field: "role")
                let user = try await ctx.accounts.addUser(
                    username: username, displayName: displayName, email: email, role: role, partnerCode: partner, password: password, actor: ctx.actor)
                ctx.say("cli.account.added", ["username": "\(user.username)", "role": user.role.name(in: ctx.language)])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let users = try await ctx.accounts.users(actor: ctx.actor)
                ctx.print(
                    Listing(
                        columns: ["username", Column("name", key: "displayName"), "role", "email", "active"],
                        cells: users.map { [.text($0.username), .text($0.displayName), .text($0.role.rawValue), .optional($0.email), .bool($0.active)] }
                    )
                    .render(output.format))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (its web sessions end).")
        @OptionGroup var global: GlobalOptions
        @Argument var username: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await ctx.accounts.setActive(username: username, active: false, actor: ctx.actor)
                ctx.say("cli.account.disabled", ["username": "\(username)"])
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable an account again.")
        @OptionGroup var global: GlobalOptions
        @Argument var username: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await ctx.accounts.setActive(username: username, active: true, actor: ctx.actor)
                ctx.say("cli.account.enabled", ["username": "\(username)"])
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a new password (KALAN_PASSWORD or prompt).")
        @OptionGroup var global: GlobalOptions
        @Argument var username: String

        func run() async throws {
            let password = try readPassword("Nouveau mot de passe / new password: ")
            try await CommandContext.run(global) { ctx in
                try await ctx.accounts.resetPassword(username: username, password: password, actor: ctx.actor)
                ctx.say("cli.account.password_changed", ["username": "\(username)"])
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens: shown once, stored hashed.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user and print it once.")
        @OptionGroup var global: GlobalOptions
        @Argument var username: String
        @Option var name: String
        @Option(name: .customLong("expires-in-days")) var expiresInDays: Int?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let (token, secret) = try await ctx.accounts.createToken(username: username, name: name, expiresInDays: expiresInDays, actor: ctx.actor)
                ctx.print(secret)
                FileHandle.standardError.write(
                    Data((ctx.t("cli.account.token_created", ["id": "\(token.id)"]) + "\n").utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secret).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option var user: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let formatter = ISO8601DateFormatter()
                let tokens = try await ctx.accounts.tokens(username: user, actor: ctx.actor)
                ctx.print(
                    Listing(
                        columns: ["id", "name", Column("created", key: "createdAt"), Column("expires", key: "expiresAt"), Column("revoked", key: "revokedAt"), Column("last_used", key: "lastUsedAt")],
                        cells: tokens.map {
                            [
                                .text($0.id.uuidString.lowercased()), .text($0.name), .text(formatter.string(from: $0.createdAt)), .optional($0.expiresAt.map(formatter.string)),
                                .optional($0.revokedAt.map(formatter.string)), .optional($0.lastUsedAt.map(formatter.string)),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                guard let uuid = UUID(uuidString: id) else { throw KalanError.invalid(field: "id", problem: .format(.identifier)) }
                try await ctx.accounts.revokeToken(id: uuid, actor: ctx.actor)
                ctx.say("cli.account.token_revoked")
            }
        }
    }
}
