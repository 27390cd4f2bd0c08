import Foundation

/// An e-mail as RFC 5322 and MIME (RFC 2045-2047) want it: headers with non-ASCII words encoded
/// (`=?UTF-8?B?…?=`), a text part and an HTML part as alternatives, attachments in base64.
public struct MIMEMessage: Sendable {
    public struct Attachment: Sendable {
        public var filename: String
        /// `text/calendar; method=REQUEST`, `application/pdf`…
        public var contentType: String
        public var bytes: [UInt8]

        public init(filename: String, contentType: String, bytes: [UInt8]) {
            (self.filename, self.contentType, self.bytes) = (filename, contentType, bytes)
        }
    }

    public var from: (name: String, address: String)
    public var to: (name: String, address: String)
    public var subject: String
    public var text: String
    public var html: String
    public var attachments: [Attachment]
    public var date: Date
    public var messageID: String

    public init(
        from: (name: String, address: String), to: (name: String, address: String), subject: String, text: String, html: String,
        attachments: [Attachment] = [], date: Date, messageID: String
    ) {
        (self.from, self.to, self.subject, self.text, self.html) = (from, to, subject, text, html)
        (self.attachments, self.date, self.messageID) = (attachments, date, messageID)
    }

    /// The message with CRLF line ends, ready for SMTP's DATA (before dot-stuffing).
    public func rendered(boundarySeed: String = UUID().uuidString) -> String {
        let mixed = "mixed-\(boundarySeed)"
        let alternative = "alt-\(boundarySeed)"
        var lines = [
            "From: \(Self.mailbox(from.name, from.address))",
            "To: \(Self.mailbox(to.name, to.address))",
            "Subject: \(Self.encodedWords(subject, used: "Subject: ".count))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        let body: [String] = [
            "Content-Type: multipart/alternative; boundary=\"\(alternative)\"", "",
            "--\(alternative)", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", Self.base64(Array(text.utf8)),
            "--\(alternative)", "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", "", Self.base64(Array(html.utf8)),
            "--\(alternative)--",
        ]
        if attachments.isEmpty {
            lines += body
        } else {
            lines += ["Content-Type: multipart/mixed; boundary=\"\(mixed)\"", "", "--\(mixed)"] + body
            for attachment in attachments {
                let name = Self.encodedWords(attachment.filename, used: 0)
                lines += [
                    "--\(mixed)", "Content-Type: \(attachment.contentType); name=\"\(name)\"", "Content-Transfer-Encoding: base64",
                    "Content-Disposition: attachment; filename=\"\(name)\"", "", Self.base64(attachment.bytes),
                ]
            }
            lines.append("--\(mixed)--")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `"Aïssata Maïga" <a@x.ml>` with the name encoded when it is not plain ASCII.
    static func mailbox(_ name: String, _ address: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && !"\"\\".unicodeScalars.contains($0) }
        if name.isEmpty { return "<\(address)>" }
        return plain ? "\"\(name)\" <\(address)>" : "\(encodedWords(name, used: 6)) <\(address)>"
    }

    /// RFC 2047: the text as is when it is printable ASCII, else B-encoded words of at most 75
    /// characters each (never splitting a UTF-8 character), folded onto continuation lines.
    static func encodedWords(_ text: String, used: Int) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) { return text }
        // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes of UTF-8 make 60 of base64.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// SMTP's transparency (RFC 5321 4.5.2): a line that starts with a dot gets another.
    public static func dotStuffed(_ message: String) -> String {
        var lines = message.components(separatedBy: "\r\n")
        for index in lines.indices where lines[index].hasPrefix(".") { lines[index] = "." + lines[index] }
        return lines.joined(separator: "\r\n")
    }
}
