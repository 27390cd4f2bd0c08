import Foundation
import MultipartKit
import NIOCore

/// Reads `multipart/form-data` bodies (RFC 7578), as a browser sends a form with a file: each
/// part's field name and its bytes, parsed by MultipartKit. Pages need no script for uploads
/// this way. A malformed body is refused whole, with the reason: never a part silently dropped.
struct MultipartForm {
    /// Why a body could not be read.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private var parts: [String: [UInt8]] = [:]
    private var fileNames: [String: String] = [:]

    /// Nil when the content type is not `multipart/form-data` with a boundary, or when the body
    /// is malformed (`parse` tells why).
    init?(body: [UInt8], contentType: String) {
        guard let form = try? Self.parse(body: body, contentType: contentType) else { return nil }
        self = form
    }

    private init(parts: [String: [UInt8]], fileNames: [String: String]) {
        self.parts = parts
        self.fileNames = fileNames
    }

    /// The form, or why it cannot be read: not multipart, a syntax error, a part without a name,
    /// or a body cut short before its closing boundary.
    static func parse(body: [UInt8], contentType: String) throws(Malformed) -> MultipartForm {
        guard let boundary = boundary(in: contentType) else {
            throw Malformed(description: "not multipart/form-data with a boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var current = MultipartPart(body: ByteBuffer())
        var inPart = false
        var complete: [MultipartPart] = []
        parser.onHeader = { field, value in
            inPart = true
            current.headers.add(name: field, value: value)
        }
        parser.onBody = { chunk in
            inPart = true
            current.body.writeBuffer(&chunk)
        }
        parser.onPartComplete = {
            complete.append(current)
            current = MultipartPart(body: ByteBuffer())
            inPart = false
        }
        do {
            try parser.execute(body)
        } catch {
            throw Malformed(description: "part \(complete.count + 1): not valid multipart syntax")
        }
        if inPart || complete.isEmpty { throw Malformed(description: "the body ends before its closing boundary") }
        var parts: [String: [UInt8]] = [:], fileNames: [String: String] = [:]
        for (index, part) in complete.enumerated() {
            guard let name = part.name, !name.isEmpty else {
                throw Malformed(description: "part \(index + 1): no field name in its Content-Disposition")
            }
            parts[name] = Array(part.body.readableBytesView)
            if let disposition = part.headers.first(name: "Content-Disposition") { fileNames[name] = fileName(in: disposition) }
        }
        return MultipartForm(parts: parts, fileNames: fileNames)
    }

    subscript(name: String) -> [UInt8]? { parts[name] }

    /// The file name a part's Content-Disposition gives (as the browser sent it), if any.
    func fileName(_ name: String) -> String? { fileNames[name] }

    /// `filename="…"` of a Content-Disposition value (quotes and backslash escapes undone).
    static func fileName(in disposition: String) -> String? {
        guard let range = disposition.range(of: "filename=\"") else { return nil }
        var name = "", escaped = false
        for character in disposition[range.upperBound...] {
            if escaped {
                name.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return name
            } else {
                name.append(character)
            }
        }
        return nil
    }

    /// A part as text, nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let bytes = parts[name], !bytes.isEmpty else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `boundary` parameter of a `multipart/form-data` content type (1 to 70 characters).
    static func boundary(in contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: .init(charactersIn: "\""))
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }
}
