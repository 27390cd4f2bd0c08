import ArgumentParser
import Foundation
import KalanConfiguration
import KalanCore
import KalanNotices
import KalanStore
import Logging
import Postgres

/// `kalan notices list|send|retry`: the outbox from the command line (send: for cron).
struct NoticesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices", abstract: "Notices to staff (e-mail, SMS): list, send the due ones, send again.",
        subcommands: [List.self, Send.self, Retry.self, Contact.self, Preferences.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What was sent to whom, when, by which channel, and in which state.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "A session code.") var session: String?
        @Option(help: "A staff number.") var staff: String?
        @Option(help: "pending, sending, sent, failed or unreachable.") var status: String?
        @Option(help: "At most this many, newest first.") var limit = 500

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let filter = NoticeFilter(
                    sessionCode: session, staffNumber: staff, status: try status.map { try Validate.choice($0, as: NoticeStatus.self, field: "status") },
                    limit: limit)
                let notices = try await NoticeSetup.desk(ctx).notices(filter, actor: ctx.actor)
                let language = ctx.language
                ctx.print(
                    Listing(
                        columns: ["id", "created", "session", "staff_number", "kind", "recipient", "channel", "address", "status", "attempts", "sent", "error"],
                        cells: notices.map { n in
                            [
                                .int(Int(n.id)), .text(Timestamps.text(n.createdAt)), .text(n.facts.session), .optional(n.facts.staffNumber),
                                .text(Messages.text("notice.kind.\(n.kind.rawValue)", language)), .text(n.recipient.rawValue), .text(n.channel.rawValue),
                                .optional(n.address), .text(n.status.rawValue), .int(n.attempts), .optional(n.sentAt.map(Timestamps.text)), .optional(n.lastError),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send every due notice now (for cron); several at once never send one twice.",
            discussion: "Uses KALAN_SMTP_URL and KALAN_SMS_URL; with neither, nothing is sent and notices wait.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let senders = try await NoticeSetup.senders(pool: ctx.runtime.pool)
                if senders.channels.isEmpty { ctx.say("notice.cli.none_configured") }
                let dispatcher = NoticeDispatcher(
                    outbox: PostgresNoticeOutbox(pool: ctx.runtime.pool), senders: senders, policy: NoticeSetup.policy(), clock: ctx.clock, logger: ctx.logger)
                let round = try await dispatcher.sendDue()
                ctx.say("notice.cli.sent", ["sent": "\(round.sent)", "retried": "\(round.retried)", "failed": "\(round.failed)"])
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put sent or failed notices back in the outbox: by id, or every failed one of a session.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Notice ids (see notices list).") var ids: [Int64] = []
        @Option(help: "Every failed notice of this session.") var session: String?
        @Flag(help: "Every failed notice.") var failed = false

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let desk = NoticeSetup.desk(ctx)
                var count = 0
                if !ids.isEmpty { count += try await desk.resend(ids: ids, actor: ctx.actor) }
                if session != nil || failed { count += try await desk.resendFailed(NoticeFilter(sessionCode: session), actor: ctx.actor) }
                ctx.say("notice.cli.retried", ["count": "\(count)"])
            }
        }
    }
}

extension NoticesCommand {
    struct Contact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the head of a department, who gets a copy of the decisions about its staff.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A department code.") var code: String
        @Option(help: "The head's name.") var name: String?
        @Option(help: "The head's e-mail.") var email: String?
        @Option(help: "The head's phone.") var phone: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await NoticeSetup.desk(ctx).setDepartmentContact(code: code, DepartmentContact(name: name, email: email, phone: phone), actor: ctx.actor)
                ctx.say("notice.contact.saved")
            }
        }
    }

    struct Preferences: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a staff member's notices: their language, or none at all.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A staff number.") var staff: String
        @Option(help: "fr or en.") var language: String?
        @Flag(inversion: .prefixedNo, help: "Send this person no notices (--no-off: send them again).") var off: Bool?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let desk = NoticeSetup.desk(ctx)
                var preferences = try await desk.preferences(staffNumber: staff, actor: ctx.actor)
                if let language { preferences.language = try Validate.choice(language, as: Language.self, field: "language") }
                if let off { preferences.off = off }
                try await desk.setPreferences(staffNumber: staff, preferences, actor: ctx.actor)
                ctx.say("notice.prefs.saved")
            }
        }
    }
}

/// The notices' senders and policy from the settings: for `kalan notices send` and `kalan serve`.
public enum NoticeSetup {
    static func desk(_ ctx: CommandContext) -> NoticeDesk {
        NoticeDesk(outbox: PostgresNoticeOutbox(pool: ctx.runtime.pool), channels: [], clock: ctx.clock)
    }

    /// KALAN_SMTP_URL and KALAN_SMS_URL; certificate links on the public address the database records.
    public static func senders(pool: PostgresPool, publicURL: String? = nil) async throws -> NoticeSenders {
        let settings = KalanSettings.current
        var url = publicURL
        if url == nil { url = try await SigningKeyInUse.record(on: pool).publicURL }
        return NoticeSenders(
            smtp: settings.smtpURL.flatMap(SMTPSettings.init(url:)), sms: settings.smsURL.flatMap(SMSSettings.init(url:)),
            publicURL: url ?? settings.publicURL ?? "http://127.0.0.1:8080", signatory: settings.convocationSignatory)
    }

    /// KALAN_NOTICE_RETRY and KALAN_NOTICE_GIVE_UP.
    public static func policy() -> NoticeRetryPolicy {
        let settings = KalanSettings.current
        return NoticeRetryPolicy(firstDelay: TimeInterval(settings.noticeRetry ?? 30), giveUpAfter: TimeInterval(settings.noticeGiveUp ?? 172_800))
    }
}

/// Times in listings: UTC, to the second.
enum Timestamps {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
