import Foundation
import KalanCore

/// What statistics need of one enrolment, in 16 bytes: a million enrolments take 16 MB.
struct CohortFact: Sendable, Hashable {
    /// The session, as its index in `CohortFacts.sessionOrdinals`.
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

/// The register's figures as of one PostgreSQL snapshot, by staff member: each one's attributes
/// and a run of facts in one shared array (no allocation per person, read in order by the tally).
/// A change replaces a staff member whole (see sql/migrations/0008_statistics_index.sql).
struct CohortFacts: Sendable {
    /// `pg_current_snapshot()` taken before the last load: every change it did not see is read next time.
    var snapshot: String
    /// The database those figures are of (`CohortLoad.look`): another one is loaded whole.
    var database: String
    // Per staff member, by index.
    var first: [Int32] = []
    var count: [Int32] = []
    var woman: [Bool] = []
    var sex: [Int32] = []
    var category: [Int32] = []
    /// -1 when none.
    var department: [Int32] = []
    var traineeIndex: [UUID: Int32] = [:]
    /// Every staff member's facts, each a run `first[i] ..< first[i] + count[i]`.
    var facts: [CohortFact] = []
    /// Facts no run uses any more (a run that grew moved to the end).
    var unused = 0
    var sessionOrdinals: [Int] = []
    var sessionIndex: [Int: Int32] = [:]
    var sexes = Interned<String>(), categories = Interned<String>(), departments = Interned<UUID>()

    init(snapshot: String, database: String) {
        self.snapshot = snapshot
        self.database = database
    }

    var traineeCount: Int { first.count }

    /// A staff member as read from PostgreSQL: `facts` is the packed text of `CohortLoad.record`.
    struct Row: Sendable {
        var id: UUID
        var sex: String
        var category: String
        var department: UUID?
        var facts: String
    }

    mutating func replace(_ row: Row) {
        let parsed = parse(row.facts)
        let index: Int
        if let known = traineeIndex[row.id] {
            index = Int(known)
        } else {
            index = first.count
            traineeIndex[row.id] = Int32(index)
            first.append(Int32(facts.count))
            count.append(0)
            woman.append(false)
            sex.append(0)
            category.append(0)
            department.append(-1)
        }
        woman[index] = row.sex == "F"
        sex[index] = sexes.index(row.sex)
        category[index] = categories.index(row.category)
        department[index] = row.department.map { departments.index($0) } ?? -1
        let old = Int(count[index])
        if parsed.count <= old {
            let start = Int(first[index])
            facts.replaceSubrange(start..<(start + parsed.count), with: parsed)
            unused += old - parsed.count
        } else {
            unused += old
            first[index] = Int32(facts.count)
            facts.append(contentsOf: parsed)
        }
        count[index] = Int32(parsed.count)
        if unused > 1 << 16 && unused > facts.count / 4 { compact() }
    }

    mutating func reserve(trainees: Int, facts count: Int) {
        first.reserveCapacity(trainees)
        self.count.reserveCapacity(trainees)
        woman.reserveCapacity(trainees)
        sex.reserveCapacity(trainees)
        category.reserveCapacity(trainees)
        department.reserveCapacity(trainees)
        traineeIndex.reserveCapacity(trainees)
        facts.reserveCapacity(count)
    }

    /// Drops the unused facts, keeping every run in staff order.
    mutating func compact() {
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
        if let index = sessionIndex[ordinal] { return index }
        sessionIndex[ordinal] = Int32(sessionOrdinals.count)
        sessionOrdinals.append(ordinal)
        return Int32(sessionOrdinals.count - 1)
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
