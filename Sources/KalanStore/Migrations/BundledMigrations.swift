import KalanMigrations

extension Migration {
    /// Every migration in sql/, in order, from the copies compiled into the binary. A file
    /// whose name is not `NNNN_name.sql` is left out (and a test fails).
    public static let all: [Migration] = MigrationFiles.all.compactMap { file in
        Migration(fileName: file.name, sql: String(decoding: file.bytes, as: UTF8.self))
    }

    /// `0001_domain.sql` → version 1, name `domain`.
    public init?(fileName: String, sql: String) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else { return nil }
        let name = stem[stem.index(after: underscore)...]
        guard !name.isEmpty, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) else { return nil }
        self.init(version: version, name: String(name), sql: sql)
    }
}
