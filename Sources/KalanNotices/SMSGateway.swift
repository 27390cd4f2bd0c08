import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where SMS go (KALAN_SMS_URL): a Kannel `sendsms` URL with its account, e.g.
/// `http://127.0.0.1:13013/cgi-bin/sendsms?username=kalan&password=secret&from=MCENMA`; `to`,
/// `text`, `charset` and `coding` are added per message.
public struct SMSSettings: Sendable, Hashable {
    public var url: URLComponents
    /// Parts a long text may take (Kannel's `max-messages` of the account; 3 by default).
    public var maxParts: Int

    public init?(url text: String) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else { return nil }
        self.url = url
        let items = url.queryItems ?? []
        maxParts = items.first { $0.name == "max-messages" }.flatMap { $0.value.flatMap(Int.init) } ?? 3
        self.url.queryItems = items.filter { $0.name != "max-messages" }
    }
}

public struct SMSFailure: Error, CustomStringConvertible, Sendable {
    public var status: Int?
    public var message: String
    /// The gateway refused the message itself (bad number, account): another try would not help.
    public var permanent: Bool { status.map { (400..<500).contains($0) } ?? false }
    public var description: String { status.map { "SMS gateway \($0): \(message)" } ?? "SMS gateway: \(message)" }
}

/// Kannel's `sendsms` interface over HTTP (async-http-client). A text entirely in the GSM
/// alphabet goes as UTF-8 with `coding=0` (Kannel packs it in 7 bits: 160 characters, 153 per part
/// when longer); any other as UCS-2 (`coding=2`, `charset=UTF-16BE`: 70, 67 per part). Kannel
/// splits a long text into concatenated parts (the account's `concatenation = true`, at most
/// `max-messages`); Kalan cuts a text to fit in `maxParts` before sending.
public struct SMSGateway: Sendable {
    public let settings: SMSSettings
    let client: HTTPClient

    /// Connections given up after 5 s; a request's attempts (async-http-client tries to connect
    /// again until the deadline) after `deadline`.
    public static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(20))))
    let deadline: TimeAmount = .seconds(10)

    public init(settings: SMSSettings, client: HTTPClient = SMSGateway.client) {
        self.settings = settings
        self.client = client
    }

    /// What is sent for `text`: the text as fitted, its alphabet, and its parts.
    public func prepared(_ text: String) -> (text: String, coding: SMSCoding, parts: Int) {
        let fitted = GSMAlphabet.fitted(text, maxParts: settings.maxParts)
        return (fitted, GSMAlphabet.coding(for: fitted), GSMAlphabet.parts(fitted))
    }

    /// The sendsms URL for one message, every value percent-encoded (a `+` is `%2B`, never a space).
    public func requestURL(to number: String, text: String) -> String {
        let (fitted, coding, _) = prepared(text)
        var query = (settings.url.queryItems ?? []).map { "\(Self.encode(Array($0.name.utf8)))=\(Self.encode(Array(($0.value ?? "").utf8)))" }
        query.append("to=\(Self.encode(Array(Self.dialable(number).utf8)))")
        switch coding {
        case .gsm7:
            query += ["text=\(Self.encode(Array(fitted.utf8)))", "charset=UTF-8", "coding=0"]
        case .ucs2:
            let bytes = fitted.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            query += ["text=\(Self.encode(bytes))", "charset=UTF-16BE", "coding=2"]
        }
        var base = settings.url
        base.query = nil
        return (base.string ?? "") + "?" + query.joined(separator: "&")
    }

    public func send(to number: String, text: String) async throws {
        let request = HTTPClientRequest(url: requestURL(to: number, text: text))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: deadline)
        } catch {
            throw SMSFailure(status: nil, message: "\(error)")
        }
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        // Kannel: 202 "0: Accepted for delivery" or "3: Queued for later delivery".
        guard (200..<300).contains(Int(response.status.code)) else {
            throw SMSFailure(status: Int(response.status.code), message: body.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// `+223 76 00 00 01` → `+22376000001`.
    static func dialable(_ number: String) -> String { number.filter { $0.isNumber || $0 == "+" } }

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
