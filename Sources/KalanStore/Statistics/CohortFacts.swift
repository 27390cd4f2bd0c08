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

/// One staff member: the attributes statistics group by, and every enrolment's figures.
struct CohortTrainee: Sendable {
    var woman: Bool
    var sex: String
    /// Index in `CohortFacts.categories` ("" when none).
    var category: Int32
    /// Index in `CohortFacts.departments`, -1 when none.
    var department: Int32
    var facts: [CohortFact]
}

/// The register's figures as of one PostgreSQL snapshot, grouped by staff member. Changes are
/// applied by replacing a staff member whole (see sql/migrations/0008_statistics_index.sql).
struct CohortFacts: Sendable {
    /// `pg_current_snapshot()` taken before the last load: every change it did not see is read next time.
    var snapshot: String
    var trainees: [CohortTrainee] = []
    var traineeIndex: [UUID: Int32] = [:]
    var sessionOrdinals: [Int] = []
    var sessionIndex: [Int: Int32] = [:]
    var categories: [String] = []
    var categoryIndex: [String: Int32] = [:]
    var departments: [UUID] = []
    var departmentIndex: [UUID: Int32] = [:]

    init(snapshot: String) { self.snapshot = snapshot }

    /// A staff member as read from PostgreSQL: `facts` is the packed text of `CohortLoad.factsSQL`.
    struct Row: Sendable {
        var id: UUID
        var sex: String
        var category: String
        var department: UUID?
        var facts: String
    }

    mutating func replace(_ row: Row) {
        let category = intern(row.category, &categories, &categoryIndex)
        let department = row.department.map { intern($0, &departments, &departmentIndex) } ?? -1
        let trainee = CohortTrainee(woman: row.sex == "F", sex: row.sex, category: category, department: department, facts: parse(row.facts))
        if let index = traineeIndex[row.id] {
            trainees[Int(index)] = trainee
        } else {
            traineeIndex[row.id] = Int32(trainees.count)
            trainees.append(trainee)
        }
    }

    private func intern<T: Hashable>(_ value: T, _ list: inout [T], _ index: inout [T: Int32]) -> Int32 {
        if let known = index[value] { return known }
        index[value] = Int32(list.count)
        list.append(value)
        return Int32(list.count - 1)
    }

    /// "ordinal,status,present,marked,pre,post,certificate" records separated by ";".
    private mutating func parse(_ text: String) -> [CohortFact] {
        var facts: [CohortFact] = []
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
                        facts.append(
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
        return facts
    }

    mutating func session(ordinal: Int) -> Int32 {
        if let index = sessionIndex[ordinal] { return index }
        sessionIndex[ordinal] = Int32(sessionOrdinals.count)
        sessionOrdinals.append(ordinal)
        return Int32(sessionOrdinals.count - 1)
    }
}
