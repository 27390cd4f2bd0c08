import Foundation

/// Reads the first sheet of an `.xlsx` workbook into records (one per row, the row's own number as
/// its line); a refusal is a `CSVError` that names the limit reached. Implemented in KalanFiles
/// (ZIPFoundation and a streaming XML parser): KalanCore reads CSV itself, and no ZIP.
public protocol WorkbookReader: Sendable {
    func firstSheet(_ data: Data) throws(CSVError) -> [CSVRecord]
}
