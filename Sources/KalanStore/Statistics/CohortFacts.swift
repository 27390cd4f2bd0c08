import Foundation
import KalanCore

/// What statistics need of one enrolment, in 16 bytes: a million enrolments take 16 MB.
struct CohortFact: Sendable, Hashable {
    /// The session, as its index in `CohortSnapshot.sessionOrdinals`.
    var session: Int32
    /// Index in `EnrolmentStatus.allCases`.
    var status: UInt8
    /// 0: no certificate, 1: issued, 2: issued and revoked.
    var certificate: UInt8
    var presentDays: UInt16
    var markedDays: UInt16
    /// Scores in hundredths (numeric(5, 2) × 100), -1 when not recorded.
    var pre: Int16
    var post: Int16
}

/// Up to `size` staff members: each one's attributes and a run of facts in one array (no
/// allocation per person, read in order by the tally). Shared by every snapshot that has not
/// changed it; changing a page that a report still reads copies that page only (`CohortFacts.page`).
final class CohortPage: @unchecked Sendable {
    static let size = 1024
    var first: [Int32] = []
    var count: [Int32] = []
    var woman: [Bool] = []
    var sex: [Int32] = []
    var category: [Int32] = []
    /// -1 when none.
    var department: [Int32] = []
    var facts: [CohortFact] = []
    /// Facts no run uses any more (a run that grew moved to the end).
    var unused = 0

    init() {}

    init(copying page: CohortPage) {
        (first, count, woman, sex, category, department) = (page.first, page.count, page.woman, page.sex, page.category, page.department)
        facts = page.facts
        unused = page.unused
        compact()
    }

    var trainees: Int { first.count }

    /// Drops the unused facts, keeping every run in order.
    func compact() {
        guard unused > 0 else { return }
        var packed: [CohortFact] = []
        packed.reserveCapacity(facts.count - unused)
        for i in first.indices {
            let start = Int(first[i])
            first[i] = Int32(packed.count)
            packed.append(contentsOf: facts[start..<(start + Int(count[i]))])
        }
        facts = packed
        unused = 0
    }
}

/// The register's figures as of one PostgreSQL snapshot, immutable once published: a report
/// tallies the snapshot it took while the index applies later changes to its own copy, which
/// shares every page the changes did not touch (no copy of the index per report or per write).
struct CohortSnapshot: Sendable {
    /// `pg_current_snapshot()` taken before the last look: every change it did not see is read next time.
    var snapshot: String
    /// The database those figures are of (`CohortLoad.look`): another one is loaded whole.
    var database: String
    /// Staff member `i` is `pages[i / CohortPage.size]`, line `i % CohortPage.size`.
    var pages: [CohortPage] = []
    var traineeCount = 0
    var sessionOrdinals: [Int] = []
    var sessionIndex: [Int: Int32] = [:]
    var sexes = Interned<String>(), categories = Interned<String>(), departments = Interned<UUID>()

    /// How many facts the snapshot holds (the enrolments counted).
    var factCount: Int { pages.reduce(0) { $0 + $1.facts.count - $1.unused } }
}

/// The index's working copy: the published snapshot and what finds a staff member in it (kept
/// out of the snapshot, so that a new staff member never copies a dictionary a report holds).
/// A change replaces a staff member whole (see sql/migrations/0008_statistics_index.sql).
struct CohortFacts: Sendable {
    var current: CohortSnapshot
    var traineeIndex: [UUID: Int32] = [:]

    init(snapshot: String, database: String) {
        current = CohortSnapshot(snapshot: snapshot, database: database)
    }

    var snapshot: String {
        get { current.snapshot }
        set { current.snapshot = newValue }
    }
    var database: String { current.database }
    var traineeCount: Int { current.traineeCount }

    /// A staff member as read from PostgreSQL: `facts` is the packed text of `CohortLoad.record`.
    struct Row: Sendable {
        var id: UUID
        var sex: String
        var category: String
        var department: UUID?
        var facts: String
    }

    /// Page `p`, copied first when a published snapshot still holds it.
    private mutating func page(_ p: Int) -> CohortPage {
        if !isKnownUniquelyReferenced(&current.pages[p]) { current.pages[p] = CohortPage(copying: current.pages[p]) }
        return current.pages[p]
    }

    mutating func replace(_ row: Row) {
        let parsed = parse(row.facts)
        let index: Int
        if let known = traineeIndex[row.id] {
            index = Int(known)
        } else {
            index = current.traineeCount
            traineeIndex[row.id] = Int32(index)
            current.traineeCount += 1
            if index / CohortPage.size == current.pages.count { current.pages.append(CohortPage()) }
            let page = page(index / CohortPage.size)
            page.first.append(Int32(page.facts.count))
            page.count.append(0)
            page.woman.append(false)
            page.sex.append(0)
            page.category.append(0)
            page.department.append(-1)
        }
        let sex = current.sexes.index(row.sex), category = current.categories.index(row.category)
        let department = row.department.map { current.departments.index($0) } ?? -1
        let page = page(index / CohortPage.size), line = index % CohortPage.size
        page.woman[line] = row.sex == "F"
        page.sex[line] = sex
        page.category[line] = category
        page.department[line] = department
        let old = Int(page.count[line])
        if parsed.count <= old {
            let start = Int(page.first[line])
            page.facts.replaceSubrange(start..<(start + parsed.count), with: parsed)
            page.unused += old - parsed.count
        } else {
            page.unused += old
            page.first[line] = Int32(page.facts.count)
            page.facts.append(contentsOf: parsed)
        }
        page.count[line] = Int32(parsed.count)
        if page.unused > 256 && page.unused > page.facts.count / 4 { page.compact() }
    }

    mutating func reserve(trainees: Int) {
        traineeIndex.reserveCapacity(trainees)
        current.pages.reserveCapacity((trainees + CohortPage.size - 1) / CohortPage.size)
    }

    /// "ordinal,status,present,marked,pre,post,certificate" records separated by ";".
    private mutating func parse(_ text: String) -> [CohortFact] {
        var parsed: [CohortFact] = []
        var fields = (0, 0, 0, 0, 0, 0, 0)
        var field = 0, value = 0, negative = false, digits = false
        for byte in text.utf8 + [UInt8(ascii: ";")] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
                digits = true
            case UInt8(ascii: "-"):
                negative = true
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                let number = negative ? -value : value
                switch field {
                case 0: fields.0 = number
                case 1: fields.1 = number
                case 2: fields.2 = number
                case 3: fields.3 = number
                case 4: fields.4 = number
                case 5: fields.5 = number
                case 6: fields.6 = number
                default: break
                }
                field += 1
                value = 0
                negative = false
                if byte == UInt8(ascii: ";") {
                    if field == 7 && digits {
                        parsed.append(
                            CohortFact(
                                session: session(ordinal: fields.0), status: UInt8(clamping: fields.1), certificate: UInt8(clamping: fields.6),
                                presentDays: UInt16(clamping: fields.2), markedDays: UInt16(clamping: fields.3), pre: Int16(clamping: fields.4),
                                post: Int16(clamping: fields.5)))
                    }
                    field = 0
                    digits = false
                }
            default:
                break
            }
        }
        return parsed
    }

    mutating func session(ordinal: Int) -> Int32 {
        if let index = current.sessionIndex[ordinal] { return index }
        current.sessionIndex[ordinal] = Int32(current.sessionOrdinals.count)
        current.sessionOrdinals.append(ordinal)
        return Int32(current.sessionOrdinals.count - 1)
    }
}

/// Distinct values numbered in the order met.
struct Interned<T: Hashable & Sendable>: Sendable {
    private(set) var values: [T] = []
    private var numbers: [T: Int32] = [:]

    mutating func index(_ value: T) -> Int32 {
        if let known = numbers[value] { return known }
        numbers[value] = Int32(values.count)
        values.append(value)
        return Int32(values.count - 1)
    }

    func number(of value: T) -> Int32? { numbers[value] }
    subscript(_ index: Int32) -> T { values[Int(index)] }
}
