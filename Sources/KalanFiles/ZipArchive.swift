import Foundation
import KalanCore
import ZIPFoundation

/// A ZIP file of stored (uncompressed) entries, for a session's certificates and for XLSX
/// workbooks, written by ZIPFoundation (ZIP64 when an archive needs it: more than 65,535 entries
/// or 4 GB). PDFs are compressed already and workbooks are small, so storing keeps the archive
/// simple and fast. File names are UTF-8 (general purpose flag bit 11); every entry is dated
/// 1980-01-01, so that the same files make the same archive.
public struct ZipArchive: Sendable {
    private var entries: [(name: String, data: Data)] = []

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

    public mutating func add(name: String, data: Data) { entries.append((name, data)) }

    /// The archive's bytes.
    public func data() throws -> Data {
        let archive = try Archive(accessMode: .create)
        let epoch = DateComponents(calendar: Calendar(identifier: .gregorian), year: 1980, month: 1, day: 1).date ?? Date(timeIntervalSince1970: 315_532_800)
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: epoch, compressionMethod: .none) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
