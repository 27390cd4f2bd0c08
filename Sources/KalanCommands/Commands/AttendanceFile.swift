import Foundation
import KalanCore

/// A roster's attendance from a spreadsheet export: staff_number (matricule), day (jour), status (statut).
enum AttendanceFile {
    static func read(path: String) throws -> [ResultsRecording.AttendanceMark] {
        guard let data = FileManager.default.contents(atPath: path) else { throw KalanError.invalid(field: "--file", problem: .unknownReference(path)) }
        let records: [CSVRecord]
        do { records = try CSVReader.read(data) } catch { throw KalanError.invalid(field: "--file", problem: .unreadable(error)) }
        guard let header = records.first?.fields.map({ $0.lowercased() }) else { throw KalanError.invalid(field: "--file", problem: .required) }
        func column(_ names: [String]) throws -> Int {
            guard let index = header.firstIndex(where: names.contains) else { throw KalanError.invalid(field: names[0], problem: .required) }
            return index
        }
        let staff = try column(["staff_number", "matricule"]), day = try column(["day", "jour", "date"]), status = try column(["status", "statut", "présence", "presence"])
        return try records.dropFirst().map { record in
            let field = { (i: Int) in i < record.fields.count ? record.fields[i] : "" }
            guard let parsedDay = Day(field(day)) else { throw KalanError.invalid(field: "line \(record.line): day", problem: .format(.date)) }
            guard let parsedStatus = AttendanceStatus(word: field(status)) else {
                throw KalanError.invalid(field: "line \(record.line): status", problem: .oneOf(["present", "absent", "excused"]))
            }
            return .init(staffNumber: field(staff), day: parsedDay, status: parsedStatus)
        }
    }
}
