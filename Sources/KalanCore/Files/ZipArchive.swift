import Foundation

/// A ZIP file of stored (uncompressed) entries, for a session's certificates and for XLSX
/// workbooks. PDFs are compressed already and workbooks are small, so storing keeps the archive
/// simple and fast. File names are UTF-8 (general purpose flag bit 11).
public struct ZipArchive {
    private var body = Data()
    private var directory = Data()
    private var count: UInt16 = 0

    public init() {}

    /// A member name made of people's text (a certificate's "serial family given.pdf"), safe
    /// whatever that text holds: no folder separator or drive colon (a member is never put
    /// outside the folder it is unpacked in), no run of dots, no control or invisible character,
    /// none of the characters Windows refuses in file names, no leading dot or space, and at
    /// most 150 UTF-8 bytes before the extension. Whatever is refused becomes "_".
    public static func safeFileName(_ stem: String, extension ext: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in stem.unicodeScalars {
            let refused =
                "/\\:*?\"<>|".unicodeScalars.contains(scalar) || scalar.properties.generalCategory == .control
                || DisguisingCharacters.isDisguising(scalar)
            let next: Unicode.Scalar = refused ? "_" : scalar
            if next == ".", out.last == "." { continue }
            out.append(next)
        }
        var name = Substring(String(out))
        while let first = name.first, first == "." || first == " " { name = name.dropFirst() }
        while let last = name.last, last == "." || last == " " { name = name.dropLast() }
        var bounded = ""
        for character in name {
            guard bounded.utf8.count + String(character).utf8.count <= 150 else { break }
            bounded.append(character)
        }
        return (bounded.isEmpty ? "_" : bounded) + "." + ext
    }

    public mutating func add(name: String, data: Data) {
        let nameBytes = Data(name.utf8)
        let crc = CRC32.checksum(data)
        let offset = UInt32(body.count)
        var local = Data()
        local.append(le32: 0x0403_4b50)
        local.append(le16: 20); local.append(le16: 0x0800); local.append(le16: 0)  // version, UTF-8 flag, stored
        local.append(le16: 0); local.append(le16: 0x21)  // time, date (1980-01-01)
        local.append(le32: crc); local.append(le32: UInt32(data.count)); local.append(le32: UInt32(data.count))
        local.append(le16: UInt16(nameBytes.count)); local.append(le16: 0)
        body.append(local)
        body.append(nameBytes)
        body.append(data)

        directory.append(le32: 0x0201_4b50)
        directory.append(le16: 20); directory.append(le16: 20); directory.append(le16: 0x0800); directory.append(le16: 0)
        directory.append(le16: 0); directory.append(le16: 0x21)
        directory.append(le32: crc); directory.append(le32: UInt32(data.count)); directory.append(le32: UInt32(data.count))
        directory.append(le16: UInt16(nameBytes.count)); directory.append(le16: 0); directory.append(le16: 0)
        directory.append(le16: 0); directory.append(le16: 0); directory.append(le32: 0); directory.append(le32: offset)
        directory.append(nameBytes)
        count += 1
    }

    public var data: Data {
        var out = body
        out.append(directory)
        out.append(le32: 0x0605_4b50)
        out.append(le16: 0); out.append(le16: 0); out.append(le16: count); out.append(le16: count)
        out.append(le32: UInt32(directory.count)); out.append(le32: UInt32(body.count)); out.append(le16: 0)
        return out
    }
}

enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        ~data.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    }
}

extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
