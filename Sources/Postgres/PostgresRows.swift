/// A query's result, read fully into memory, in text format.
public struct PostgresRows: Sendable, Sequence {
    public let columns: [String]
    public let types: [PostgresType]
    let cells: [[String?]]
    /// Rows affected by INSERT/UPDATE/DELETE/COPY.
    public let affectedRows: Int
    /// Column name → index, built once for every row of the result.
    let lookup: ColumnLookup

    init(columns: [String], types: [PostgresType], cells: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.types = types
        self.cells = cells
        self.affectedRows = affectedRows
        self.lookup = ColumnLookup(columns)
    }

    public var count: Int { cells.count }
    public var isEmpty: Bool { cells.isEmpty }
    public var first: PostgresRow? { cells.isEmpty ? nil : self[0] }

    /// The first row of a statement that always returns one (an aggregate, `RETURNING`); a
    /// decoding error instead of a crash when it returned none.
    public func firstRow() throws(PostgresError) -> PostgresRow {
        guard let row = first else { throw PostgresError(kind: .decoding, reason: "the statement returned no row") }
        return row
    }

    public subscript(index: Int) -> PostgresRow {
        PostgresRow(columns: columns, types: types, values: cells[index], lookup: lookup)
    }

    public func makeIterator() -> some IteratorProtocol<PostgresRow> {
        var index = 0
        return AnyIterator {
            guard index < cells.count else { return nil }
            defer { index += 1 }
            return self[index]
        }
    }
}

/// One row; values are decoded by column name.
public struct PostgresRow: Sendable {
    public let columns: [String]
    @usableFromInline let types: [PostgresType]
    @usableFromInline let values: [String?]
    @usableFromInline let lookup: ColumnLookup

    /// Decodes a column; the error names the column and both types, never the value.
    /// Inlinable, so that the caller's module specializes it for `T` (unspecialized, looking up
    /// `T`'s metadata was a tenth of the roster's time over the API, issue 29).
    @inlinable
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let index = lookup.index[column] else {
            throw PostgresError(kind: .decoding, column: column, reason: "no such column in the result")
        }
        return try decode(at: index, as: T.self)
    }

    @inlinable
    public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let text = values[index] else {
            guard let null = T.postgresNull else {
                throw PostgresError(
                    kind: .decoding, column: columns[index], reason: "NULL where \(T.self) was expected")
            }
            return null
        }
        do {
            return try T(postgresText: text, type: types[index])
        } catch {
            throw PostgresError(
                kind: .decoding, column: columns[index],
                reason: "cannot read \(types[index]) as \(T.self): \(error.reason)")
        }
    }

    /// The raw text of a column (nil for NULL or unknown column).
    public subscript(column: String) -> String? {
        guard let index = lookup.index[column] else { return nil }
        return values[index]
    }
}

/// A result's column names by index: decoding by name costs one hash lookup, not a scan of the names.
@usableFromInline
final class ColumnLookup: Sendable {
    @usableFromInline let index: [String: Int]

    init(_ columns: [String]) {
        var index: [String: Int] = [:]
        // The first of two columns with the same name wins, as a scan would find it.
        for (i, name) in columns.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}

extension PostgresRow {
    /// Decodes a text column into an enumeration by its raw value: a value the enumeration does not
    /// know is a decoding error naming the column, never a silent default (a drifted status must not
    /// become "nominated", nor a role "viewer").
    public func decode<E: RawRepresentable>(_ column: String, as type: E.Type) throws(PostgresError) -> E where E.RawValue == String {
        let raw = try decode(column, as: String.self)
        guard let value = E(rawValue: raw) else {
            throw PostgresError(kind: .decoding, column: column, reason: "a value \(E.self) does not know")
        }
        return value
    }

    /// The same for a column that may be NULL: nil for NULL, an error for an unknown value.
    public func decodeIfPresent<E: RawRepresentable>(_ column: String, as type: E.Type) throws(PostgresError) -> E? where E.RawValue == String {
        guard let raw = try decode(column, as: String?.self) else { return nil }
        guard let value = E(rawValue: raw) else {
            throw PostgresError(kind: .decoding, column: column, reason: "a value \(E.self) does not know")
        }
        return value
    }
}
