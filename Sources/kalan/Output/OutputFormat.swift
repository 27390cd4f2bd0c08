import ArgumentParser
import Foundation
import KalanCore

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Rows of text printed as an aligned table, JSON objects or CSV.
struct Listing {
    var columns: [String]
    var rows: [[String]]

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json()
        }
    }

    func table() -> String {
        guard !rows.isEmpty else { return "" }
        var widths = columns.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(columns), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    func csv() -> String { CSVWriter.document([columns] + rows) }

    func json() -> String {
        let objects = rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(objects)) ?? Data("[]".utf8), as: UTF8.self) + "\n"
    }
}
