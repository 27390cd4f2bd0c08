import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where e-mail goes (KALAN_SMTP_URL): `smtp://user:password@relay.gouv.ml:587?starttls=true&from=drh@gouv.ml`;
/// `smtps://` for TLS from the first byte (port 465); `ca=/path/ca.pem` to trust a private authority;
/// `name=` the sender's display name.
public struct SMTPSettings: Sendable, Hashable {
    public enum Security: String, Sendable { case none, startTLS, tls }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    public var from: String
    public var fromName: String
    public var caFile: String?

    /// nil when `url` is not an smtp(s) URL with a host and a `from` address.
    public init?(url text: String) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
            let host = url.host, !host.isEmpty
        else { return nil }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let from = query["from"], from.contains("@") else { return nil }
        self.host = host
        self.username = url.user?.removingPercentEncoding
        self.password = url.password?.removingPercentEncoding
        if scheme == "smtps" {
            security = .tls
        } else {
            security = ["true", "1", "yes"].contains(query["starttls"]?.lowercased() ?? "") ? .startTLS : .none
        }
        self.port = url.port ?? (scheme == "smtps" ? 465 : 587)
        self.from = from
        self.fromName = query["name"] ?? "Kalan"
        self.caFile = query["ca"]
    }
}

/// What went wrong: `permanent` when the relay refused for good (5xx), else worth another try.
public struct SMTPFailure: Error, CustomStringConvertible, Sendable {
    public var code: Int?
    public var message: String
    public var permanent: Bool { (code ?? 0) >= 500 }
    public var description: String { code.map { "SMTP \($0) \(message)" } ?? "SMTP: \(message)" }
}

/// A small SMTP client (RFC 5321) on SwiftNIO: EHLO, STARTTLS (swift-nio-ssl), AUTH PLAIN or
/// LOGIN, MAIL, RCPT, DATA with dot-stuffing, QUIT. One connection per message: notices are few
/// and a relay may close idle connections.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    let group: any EventLoopGroup
    let timeout: TimeAmount

    public init(settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, timeout: TimeAmount = .seconds(60)) {
        self.settings = settings
        self.group = group
        self.timeout = timeout
    }

    /// Sends `message` (CRLF line ends) to `recipients`.
    public func send(to recipients: [String], message: String) async throws {
        let tls = try settings.security == .none ? nil : makeTLSContext()
        let replies = SMTPReplyHandler()
        let implicitTLS = settings.security == .tls
        let host = settings.host
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group).connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(host)))
                        }
                        try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(SMTPReplyDecoder()), replies)
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw SMTPFailure(code: nil, message: "cannot connect to \(settings.host):\(settings.port) (\(error))")
        }
        // Whatever hangs, the connection closes after `timeout` and every wait fails.
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        let session = SMTPSession(channel: channel, replies: replies)
        try await session.expect(nil, 220)
        var features = try await session.expect("EHLO \(Self.heloName)", 250).lines
        if settings.security == .startTLS {
            guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw SMTPFailure(code: nil, message: "the relay does not offer STARTTLS")
            }
            try await session.expect("STARTTLS", 220)
            guard let tls else { throw SMTPFailure(code: nil, message: "no TLS context") }
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(host)), position: .first)
            }.get()
            features = try await session.expect("EHLO \(Self.heloName)", 250).lines
        }
        if let username = settings.username {
            let password = settings.password ?? ""
            let mechanisms = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").map(String.init) ?? []
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try await session.expect("AUTH PLAIN \(token)", 235, secret: true)
            } else {
                try await session.expect("AUTH LOGIN", 334)
                try await session.expect(Data(username.utf8).base64EncodedString(), 334, secret: true)
                try await session.expect(Data(password.utf8).base64EncodedString(), 235, secret: true)
            }
        }
        try await session.expect("MAIL FROM:<\(settings.from)>", 250)
        for recipient in recipients { try await session.expect("RCPT TO:<\(recipient)>", 250, 251) }
        try await session.expect("DATA", 354)
        var data = MIMEMessage.dotStuffed(message)
        if !data.hasSuffix("\r\n") { data += "\r\n" }
        try await session.expect(data + ".", 250)
        _ = try? await session.expect("QUIT", 221)
    }

    static let heloName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "kalan.localdomain" : name
    }()

    /// SNI takes a host name, never an address.
    static func sniName(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." }) || host.contains(":") ? nil : host
    }

    func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// One reply: its code and its lines (a multi-line reply is `250-…` lines and a last `250 …`).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

/// The commands of one connection, each waiting for its reply.
struct SMTPSession {
    let channel: any Channel
    let replies: SMTPReplyHandler

    /// Sends `command` (none: only wait, for the greeting) and checks the reply's code.
    @discardableResult
    func expect(_ command: String?, _ codes: Int..., secret: Bool = false) async throws -> SMTPReply {
        let channel = self.channel
        let replies = self.replies
        let reply: SMTPReply
        do {
            reply = try await channel.eventLoop.flatSubmit {
                let next = replies.next(on: channel.eventLoop)
                if let command { channel.writeAndFlush(ByteBuffer(string: command + "\r\n"), promise: nil) }
                return next
            }.get()
        } catch let failure as SMTPFailure {
            throw failure
        } catch {
            throw SMTPFailure(code: nil, message: "connection lost (\(error))")
        }
        guard codes.contains(reply.code) else {
            let sent = command.map { secret ? "AUTH" : String($0.prefix(40)) } ?? "greeting"
            throw SMTPFailure(code: reply.code, message: "\(sent): \(reply.lines.joined(separator: " "))")
        }
        return reply
    }
}

final class SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    var lines: [String] = []

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let raw = buffer.readString(length: end - buffer.readerIndex + 1) ?? ""
        let line = raw.trimmingCharacters(in: .newlines)
        guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPFailure(code: nil, message: "unreadable reply") }
        lines.append(String(line.dropFirst(4)))
        if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }
}

/// Hands each reply to the command waiting for it; used only on its channel's event loop.
final class SMTPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SMTPReply
    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var ready = CircularBuffer<SMTPReply>()
    private var failure: SMTPFailure?

    func next(on loop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if let reply = ready.popFirst() { return loop.makeSucceededFuture(reply) }
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: SMTPReply.self)
        waiting.append(promise)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        if let promise = waiting.popFirst() { promise.succeed(reply) } else { ready.append(reply) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(SMTPFailure(code: nil, message: "\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPFailure(code: nil, message: "the relay closed the connection"))
        context.fireChannelInactive()
    }

    private func fail(_ error: SMTPFailure) {
        if failure == nil { failure = error }
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}
