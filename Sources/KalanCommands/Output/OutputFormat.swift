import ArgumentParser
import Foundation
import KalanCore

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// A value in a listing: text in tables and CSV; in JSON its real type (number, boolean, null),
/// as the HTTP API gives it.
enum Cell: Sendable, Equatable {
    case text(String)
    case int(Int)
    /// A decimal shown with so many digits in tables; a JSON number.
    case number(Double, digits: Int)
    case bool(Bool)
    case null

    /// Text, or null when empty.
    static func optional(_ text: String?) -> Cell { text.flatMap { $0.isEmpty ? nil : Cell.text($0) } ?? .null }
    static func optional(_ value: Int?) -> Cell { value.map(Cell.int) ?? .null }
    static func optional(_ value: Double?, digits: Int) -> Cell { value.map { .number($0, digits: digits) } ?? .null }

    var text: String {
        switch self {
        case .text(let text): text
        case .int(let value): String(value)
        case .number(let value, let digits): String(format: "%.\(digits)f", value)
        case .bool(let value): value ? "true" : "false"
        case .null: ""
        }
    }

    var json: Any {
        switch self {
        case .text(let text): text
        case .int(let value): value
        case .number(let value, _): value
        case .bool(let value): value
        case .null: NSNull()
        }
    }
}

/// A listing's column: its heading in tables and CSV, its key in JSON (camelCase, the API's name).
struct Column: ExpressibleByStringLiteral, Sendable {
    var heading: String
    var key: String

    init(_ heading: String, key: String? = nil) {
        self.heading = heading
        self.key = key ?? Self.camelCase(heading)
    }

    init(stringLiteral heading: String) { self.init(heading) }

    /// `staff_number` → `staffNumber`; `attendance_%` → `attendance`.
    static func camelCase(_ name: String) -> String {
        let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard let first = words.first else { return name }
        return first.lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// Rows printed as an aligned table, JSON objects or CSV.
struct Listing {
    var columns: [Column]
    var rows: [[Cell]]

    init(columns: [Column], cells: [[Cell]]) {
        self.columns = columns
        self.rows = cells
    }

    /// Rows of text (JSON strings too).
    init(columns: [String], rows: [[String]]) {
        self.init(columns: columns.map { Column($0) }, cells: rows.map { $0.map(Cell.text) })
    }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json()
        }
    }

    var textRows: [[String]] { rows.map { $0.map(\.text) } }

    func table() -> String {
        guard !rows.isEmpty else { return "" }
        let headings = columns.map(\.heading)
        var widths = headings.map(\.count)
        for row in textRows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(headings), rule] + textRows.map(line)).joined(separator: "\n") + "\n"
    }

    func csv() -> String { CSVWriter.document([columns.map(\.heading)] + textRows) }

    func json() -> String {
        let objects = rows.map { row in Dictionary(zip(columns.map(\.key), row.map(\.json)), uniquingKeysWith: { first, _ in first }) }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
