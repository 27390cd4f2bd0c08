import Foundation
import KalanCore
import KalanPrint
import Logging
import Metrics

/// The senders Kalan has: SMTP (KALAN_SMTP_URL) and SMS (KALAN_SMS_URL), either or neither.
public struct NoticeSenders: Sendable {
    public var smtp: SMTPClient?
    public var sms: SMSGateway?
    /// Where certificates are verified, for the links in notices.
    public var publicURL: String
    /// Who signs the convocations (nil: the catalogue's HR director).
    public var signatory: String?

    public init(smtp: SMTPSettings?, sms: SMSSettings?, publicURL: String, signatory: String? = nil) {
        self.smtp = smtp.map { SMTPClient(settings: $0) }
        self.sms = sms.map { SMSGateway(settings: $0) }
        self.publicURL = publicURL
        self.signatory = signatory
    }

    /// The channels notices can go out on now; the others wait in the outbox.
    public var channels: [NoticeChannel] { (smtp == nil ? [] : [.email]) + (sms == nil ? [] : [.sms]) }
}

/// When to try again and when to give up.
public struct NoticeRetryPolicy: Sendable {
    /// The first wait; each failure doubles it, up to `maximumDelay`.
    public var firstDelay: TimeInterval
    public var maximumDelay: TimeInterval
    /// After this long from the first try, a notice that still does not go is failed (HR sees it).
    public var giveUpAfter: TimeInterval

    public init(firstDelay: TimeInterval = 30, maximumDelay: TimeInterval = 3600, giveUpAfter: TimeInterval = 48 * 3600) {
        (self.firstDelay, self.maximumDelay, self.giveUpAfter) = (firstDelay, maximumDelay, giveUpAfter)
    }

    /// The wait after the `attempts`-th failure: firstDelay × 2^(attempts−1), capped, ±10 % so that servers do not retry in step.
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        let base = min(maximumDelay, firstDelay * pow(2, Double(max(0, attempts - 1))))
        return base * Double.random(in: 0.9...1.1)
    }
}

/// Claims due notices and sends them; any number of dispatchers (servers, cron) may run at once.
public struct NoticeDispatcher: Sendable {
    public struct Round: Sendable, Equatable {
        public var sent = 0
        public var retried = 0
        public var failed = 0
        public init() {}
    }

    let outbox: any NoticeOutbox
    let senders: NoticeSenders
    let policy: NoticeRetryPolicy
    let clock: WallClock
    let logger: Logger
    let batch: Int
    /// A claimed notice whose sender died is claimed again after this.
    let lease: TimeInterval = 300

    public init(outbox: any NoticeOutbox, senders: NoticeSenders, policy: NoticeRetryPolicy = .init(), clock: WallClock = .system, logger: Logger, batch: Int = 20) {
        (self.outbox, self.senders, self.policy, self.clock, self.logger, self.batch) = (outbox, senders, policy, clock, logger, batch)
    }

    static let sentCounters = Dictionary(uniqueKeysWithValues: [NoticeChannel.email, .sms].map { ($0, Counter(label: "kalan_notices_sent_total", dimensions: [("channel", $0.rawValue)])) })
    static let retriedCounters = Dictionary(
        uniqueKeysWithValues: [NoticeChannel.email, .sms].map { ($0, Counter(label: "kalan_notices_retried_total", dimensions: [("channel", $0.rawValue)])) })
    static let failedCounters = Dictionary(
        uniqueKeysWithValues: [NoticeChannel.email, .sms].map { ($0, Counter(label: "kalan_notices_failed_total", dimensions: [("channel", $0.rawValue)])) })

    enum Outcome: Sendable { case sent, retried, failed }

    /// Writes the reminders due today, then sends every due notice (batch after batch) until none
    /// is left (a recipient's next notice becomes due once the one before it is sent). A batch's notices go out together: a server that is slow to refuse (a gateway's
    /// connection attempts run to their deadline) does not hold up the others.
    public func sendDue() async throws -> Round {
        _ = try await outbox.scheduleReminders(today: clock.today())
        var round = Round()
        let channels = senders.channels
        guard !channels.isEmpty else { return round }
        while true {
            let claimed = try await outbox.claim(limit: batch, channels: channels, now: clock.now(), lease: lease)
            if claimed.isEmpty { break }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for notice in claimed { group.addTask { try await deliver(notice) } }
                var outcomes: [Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            for outcome in outcomes {
                switch outcome {
                case .sent: round.sent += 1
                case .retried: round.retried += 1
                case .failed: round.failed += 1
                }
            }
        }
        return round
    }

    func deliver(_ notice: Notice) async throws -> Outcome {
        do {
            try await send(notice)
            try await outbox.markSent(id: notice.id, at: clock.now())
            Self.sentCounters[notice.channel]?.increment()
            return .sent
        } catch {
            let permanent = (error as? SMTPFailure)?.permanent ?? (error as? SMSFailure)?.permanent ?? false
            let now = clock.now()
            let firstTry = notice.firstAttemptAt ?? now
            if permanent || now.timeIntervalSince(firstTry) >= policy.giveUpAfter {
                try await outbox.markFailed(id: notice.id, error: "\(error)")
                Self.failedCounters[notice.channel]?.increment()
                logger.warning("notice failed for good", metadata: ["notice": "\(notice.id)", "channel": "\(notice.channel.rawValue)", "error": "\(error)"])
                return .failed
            }
            try await outbox.reschedule(id: notice.id, error: "\(error)", next: now.addingTimeInterval(policy.delay(afterAttempts: notice.attempts)))
            Self.retriedCounters[notice.channel]?.increment()
            logger.notice("notice not sent; trying again later", metadata: ["notice": "\(notice.id)", "channel": "\(notice.channel.rawValue)", "error": "\(error)"])
            return .retried
        }
    }

    func send(_ notice: Notice) async throws {
        guard let address = notice.address else { return }
        switch notice.channel {
        case .email:
            guard let smtp = senders.smtp else { throw SMTPFailure(code: nil, message: "no relay configured") }
            let message = try Self.email(notice, settings: smtp.settings, publicURL: senders.publicURL, signatory: senders.signatory, now: clock.now())
            try await smtp.send(to: [address], message: message)
        case .sms:
            guard let sms = senders.sms else { throw SMSFailure(status: nil, message: "no gateway configured") }
            let content = NoticeText.content(of: notice, publicURL: senders.publicURL, organizer: "kalan@localhost", now: clock.now())
            try await sms.send(to: address, text: content.sms)
        case .none:
            return
        }
    }

    /// The e-mail of a notice, with its calendar invitation attached when it has one, and the
    /// convocation (PDF) when it gives or keeps a seat.
    public static func email(_ notice: Notice, settings: SMTPSettings, publicURL: String, signatory: String? = nil, now: Date) throws -> String {
        let content = NoticeText.content(of: notice, publicURL: publicURL, organizer: settings.from, now: now)
        var attachments: [MIMEMessage.Attachment] = []
        if let invitation = content.invitation {
            attachments.append(
                .init(
                    filename: "invitation.ics", contentType: "text/calendar; charset=UTF-8; method=\(invitation.method.rawValue)",
                    bytes: Array(invitation.text.utf8)))
        }
        if let letter = NoticeText.convocation(notice, signatory: signatory, today: Day.of(now)) {
            let pdf = try ConvocationRenderer().render([letter], language: notice.language)
            let name = Messages.text("notice.convocation_file", notice.language, ["session": notice.facts.session])
            attachments.append(.init(filename: name, contentType: "application/pdf", bytes: Array(pdf)))
        }
        let host = settings.from.split(separator: "@").last.map(String.init) ?? "kalan"
        let message = MIMEMessage(
            from: (settings.fromName, settings.from), to: (notice.recipientName, notice.address ?? ""), subject: content.subject, text: content.text,
            html: content.html, attachments: attachments, date: now, messageID: "notice-\(notice.id)@\(host)")
        return message.rendered()
    }
}
