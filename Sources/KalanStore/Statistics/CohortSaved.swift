import Foundation
import KalanCore
import Postgres

/// The cohort index saved in PostgreSQL (sql/migrations/0023_cohort_saved.sql), so that `kalan stats`
/// starts from the last image and reads only the staff members changed since: a whole load reads a
/// million enrolments (seconds), the image is about 20 MB read in a few parts. An image of another
/// database, of another layout, or older than the change log's horizon is never used.
extension CohortFacts {
    /// "KCI" and the layout's version; the stride of a fact, so that another layout reads as none.
    static let savedMagic: [UInt8] = Array("KCI1".utf8)

    /// The whole working copy as bytes: the published snapshot's pages (compacted) and who is where.
    func saved() -> [UInt8] {
        var out = SavedWriter()
        out.bytes.reserveCapacity(current.factCount * MemoryLayout<CohortFact>.stride + current.traineeCount * 40 + 4096)
        out.bytes.append(contentsOf: Self.savedMagic)
        out.int(MemoryLayout<CohortFact>.stride)
        out.string(current.snapshot)
        out.string(current.database)
        out.int(current.traineeCount)
        out.raw(current.sessionOrdinals)
        out.int(current.sexes.values.count)
        for value in current.sexes.values { out.string(value) }
        out.int(current.categories.values.count)
        for value in current.categories.values { out.string(value) }
        out.uuids(current.departments.values)
        var ids = [UUID](repeating: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), count: current.traineeCount)
        for (id, index) in traineeIndex { ids[Int(index)] = id }
        out.uuids(ids)
        out.int(current.pages.count)
        for original in current.pages {
            let page = original.unused > 0 ? CohortPage(copying: original) : original
            out.raw(page.first)
            out.raw(page.count)
            out.raw(page.woman)
            out.raw(page.sex)
            out.raw(page.category)
            out.raw(page.department)
            out.raw(page.facts)
        }
        return out.bytes
    }

    /// The facts saved by `saved()`; nil when the bytes are not a whole image of this layout.
    init?(saved bytes: [UInt8]) {
        var input = SavedReader(bytes: bytes)
        guard input.take(Self.savedMagic.count) == Self.savedMagic, input.int() == MemoryLayout<CohortFact>.stride,
            let snapshot = input.string(), let database = input.string(), let traineeCount = input.int(),
            let ordinals: [Int] = input.raw()
        else { return nil }
        self.init(snapshot: snapshot, database: database)
        current.traineeCount = traineeCount
        for ordinal in ordinals { _ = session(ordinal: ordinal) }
        guard let sexes = input.int() else { return nil }
        for _ in 0..<sexes {
            guard let value = input.string() else { return nil }
            _ = current.sexes.index(value)
        }
        guard let categories = input.int() else { return nil }
        for _ in 0..<categories {
            guard let value = input.string() else { return nil }
            _ = current.categories.index(value)
        }
        guard let departments = input.uuids(), let ids = input.uuids(), ids.count == traineeCount, let pageCount = input.int() else {
            return nil
        }
        for department in departments { _ = current.departments.index(department) }
        traineeIndex.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() { traineeIndex[id] = Int32(index) }
        current.pages.reserveCapacity(pageCount)
        for _ in 0..<pageCount {
            let page = CohortPage()
            guard let first: [Int32] = input.raw(), let count: [Int32] = input.raw(), let woman: [Bool] = input.raw(), let sex: [Int32] = input.raw(),
                let category: [Int32] = input.raw(), let department: [Int32] = input.raw(), let facts: [CohortFact] = input.raw()
            else { return nil }
            (page.first, page.count, page.woman, page.sex, page.category, page.department, page.facts) = (first, count, woman, sex, category, department, facts)
            current.pages.append(page)
        }
        guard input.atEnd, current.pages.reduce(0, { $0 + $1.trainees }) == traineeCount else { return nil }
    }
}

/// Native-endian integers and arrays of plain values, each array after its element count.
private struct SavedWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) { withUnsafeBytes(of: Int64(value)) { bytes.append(contentsOf: $0) } }

    mutating func string(_ value: String) { raw(Array(value.utf8)) }

    mutating func raw<T: BitwiseCopyable>(_ values: [T]) {
        int(values.count)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func uuids(_ values: [UUID]) {
        int(values.count)
        for value in values { withUnsafeBytes(of: value.uuid) { bytes.append(contentsOf: $0) } }
    }
}

private struct SavedReader {
    let bytes: [UInt8]
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, offset + n <= bytes.count else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func int() -> Int? {
        guard offset + 8 <= bytes.count else { return nil }
        var value: Int64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 8)]) }
        offset += 8
        return Int(value)
    }

    mutating func string() -> String? { (raw() as [UInt8]?).map { String(decoding: $0, as: UTF8.self) } }

    mutating func uuids() -> [UUID]? {
        guard let count = int(), count >= 0, count <= bytes.count, offset + count * 16 <= bytes.count else { return nil }
        var values: [UUID] = []
        values.reserveCapacity(count)
        bytes.withUnsafeBytes { source in
            for i in 0..<count { values.append(UUID(uuid: source.loadUnaligned(fromByteOffset: offset + i * 16, as: uuid_t.self))) }
        }
        offset += count * 16
        return values
    }

    mutating func raw<T: BitwiseCopyable>() -> [T]? {
        guard let count = int(), count >= 0 else { return nil }
        let size = count * MemoryLayout<T>.stride
        guard count <= bytes.count, offset + size <= bytes.count else { return nil }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + size)]))
            }
            initialized = count
        }
        offset += size
        return values
    }
}

extension PostgresUnitOfWork {
    /// Parts of at most 4 MB: no statement carries the whole image at once.
    static let savedPartSize = 4 << 20

    /// The saved image, when it is of `database` and its snapshot within the change log's horizon of `now`.
    func savedFacts(database: String, now: String) async throws -> CohortFacts? {
        guard let head = try await query("SELECT snapshot, database FROM cohort_saved WHERE part = 0").first,
            try head.decode("database", as: String.self) == database,
            Self.transactions(from: try head.decode("snapshot", as: String.self), to: now) < Self.logHorizon
        else { return nil }
        let parts = try await query("SELECT count(*)::int AS parts, sum(length(data))::int8 AS bytes FROM cohort_saved").firstRow()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(try parts.decode("bytes", as: Int?.self) ?? 0)
        for part in 0..<(try parts.decode("parts", as: Int.self)) {
            guard let row = try await query("SELECT data FROM cohort_saved WHERE part = \(part)").first else { return nil }
            bytes.append(contentsOf: try row.decode("data", as: Data.self))
        }
        guard let facts = CohortFacts(saved: bytes), facts.database == database else { return nil }
        return facts
    }

    /// Replaces the saved image with `facts`.
    func save(_ facts: CohortFacts) async throws {
        let bytes = facts.saved()
        try await query("DELETE FROM cohort_saved")
        var part = 0
        for start in stride(from: 0, to: bytes.count, by: Self.savedPartSize) {
            let data = Data(bytes[start..<min(start + Self.savedPartSize, bytes.count)])
            try await query(
                "INSERT INTO cohort_saved (part, snapshot, database, data) VALUES (\(part), \(facts.snapshot), \(facts.database), \(data))")
            part += 1
        }
    }
}

extension PostgresRepository {
    /// Saves the index for the next `kalan stats` when it was loaded whole or has read many changes
    /// since its image; nothing otherwise, or without an index that starts from its image.
    public func saveCohortIndexIfUseful() async throws {
        guard let cohortIndex, let facts = await cohortIndex.toSave() else { return }
        try await indexTransaction { try await $0.save(facts) }
        await cohortIndex.saved(facts.snapshot)
    }
}
