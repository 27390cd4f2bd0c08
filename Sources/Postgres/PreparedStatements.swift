/// The statements a connection has prepared on the server, by their text and parameter types
/// (issue 29): a statement seen a second time is prepared once (PostgreSQL parses and plans it
/// once per connection) and then only bound and executed; planning the API roster's statement
/// took 1.5 ms of its 7. A statement met once runs unnamed, as before, in one round trip: texts
/// that embed a value (a snapshot, a list) are not worth a name each.
struct PreparedStatements {
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    /// Names given, by statement.
    private(set) var names: [Key: String] = [:]
    /// Statements met once, not yet prepared.
    private var seen: Set<Key> = []
    private var counter = 0
    /// Prepared statements kept per connection; past that, all are dropped and prepared anew.
    static let capacity = 256

    /// Only statements that PostgreSQL can prepare and that return the same columns each time.
    static func preparable(_ sql: String) -> Bool {
        let head = sql.utf8.prefix(while: { $0 == 32 || $0 == 10 || $0 == 9 || $0 == 13 }).count
        let word = sql.utf8.dropFirst(head).prefix(while: { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
        return ["select", "insert", "update", "delete", "with"].contains(String(decoding: word, as: UTF8.self).lowercased())
    }

    /// The statement's name when it is prepared already (`known`), or the name to prepare it under
    /// (`prepare`) when met a second time; nil: run it unnamed.
    mutating func lookup(_ key: Key) -> (name: String, known: Bool)? {
        if let name = names[key] { return (name, true) }
        guard Self.preparable(key.sql) else { return nil }
        guard seen.remove(key) != nil else {
            if seen.count >= Self.capacity * 4 { seen.removeAll() }
            seen.insert(key)
            return nil
        }
        counter += 1
        return ("kalan_\(counter)", false)
    }

    /// `name` is prepared on the server.
    mutating func prepared(_ key: Key, as name: String) { names[key] = name }

    /// True when the cache is full: the caller deallocates every statement on the server first.
    var isFull: Bool { names.count >= Self.capacity }

    /// Forgets one statement (its plan failed: a table it reads changed its columns).
    mutating func forget(_ key: Key) { names[key] = nil }

    /// Forgets every statement (deallocated, or the server no longer has them).
    mutating func forgetAll() {
        names.removeAll()
        seen.removeAll()
    }
}
