import Foundation

/// A staff file as people send it: a CSV in UTF-8 (with or without BOM), in UTF-16 (Excel's
/// "Unicode text"), or in Windows-1252 (French Excel's "CSV (séparateur: point-virgule)"), or an
/// `.xlsx` workbook (its first sheet). Whatever the source, the records come out as Unicode text:
/// a Windows-1252 file is converted, never stored as mojibake.
public enum SheetFile {
    public enum Source: String, Sendable, Equatable {
        case utf8, utf16, windows1252, xlsx
    }

    /// `workbooks` reads an `.xlsx` file; without one (a caller that takes CSV only), a workbook is
    /// refused as unreadable.
    public static func records(_ data: Data, workbooks: (any WorkbookReader)? = nil) throws(CSVError) -> (records: [CSVRecord], source: Source) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            guard let workbooks else { throw CSVError(line: 1, reason: .unreadableWorkbook) }
            return (try workbooks.firstSheet(data), .xlsx)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return (try CSVReader.read(Data(utf16(bytes).utf8)), .utf16)
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if String(validating: body, as: UTF8.self) != nil { return (try CSVReader.read(data), .utf8) }
        return (try CSVReader.read(Data(windows1252(body).utf8)), .windows1252)
    }

    /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic signs (’ “ ” … € Œ œ).
    static func windows1252<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if (0x80...0x9F).contains(byte) {
                scalars.append(Unicode.Scalar(cp1252High[Int(byte - 0x80)]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// 0x80…0x9F; the five bytes Windows leaves undefined stay C1 controls, which names refuse.
    static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func utf16(_ bytes: [UInt8]) -> String {
        let little = bytes.starts(with: [0xFF, 0xFE])
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            units.append(little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}

extension TraineeImportSummary {
    /// What a person should know about an import that went through: a converted encoding, an
    /// `.xlsx` sheet read, columns left out (named as the file's header says).
    public func notes(in language: Language) -> [String] {
        var notes: [String] = []
        switch source {
        case .windows1252: notes.append(Messages.text("hr.import.converted_1252", language))
        case .utf16: notes.append(Messages.text("hr.import.converted_utf16", language))
        case .xlsx: notes.append(Messages.text("hr.import.read_xlsx", language))
        case .utf8, nil: break
        }
        for warning in warnings {
            notes.append(Messages.text("hr.import.ignored_column", language, ["column": warning.column ?? "?"]))
        }
        return notes
    }
}
