import Foundation
import KalanCore

/// A roster's attendance from a spreadsheet export: staff_number, day, status.
enum AttendanceFile {
    static func read(path: String) throws -> [ResultsRecording.AttendanceMark] {
        throw KalanError.invalid(field: "--file", problem: .format(expected: "CSV"))
    }
}
