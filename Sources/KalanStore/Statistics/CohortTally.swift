import Foundation
import KalanCore

/// What a report needs from PostgreSQL at the moment it is asked: the sessions that pass its
/// filters with their values for the report's session dimensions, and the departments.
struct CohortSelection: Sendable {
    /// Session ordinal → its values for the session dimensions of the query, in their order.
    var sessions: [(ordinal: Int, keys: [String])]
    /// Department id → code, for grouping by department.
    var departmentCodes: [UUID: String]
    /// The departments of the `department` filter (empty when its code is unknown); nil: no filter.
    var departmentFilter: Set<UUID>?
}

extension CohortDimension {
    /// Dimensions that are attributes of the staff member rather than of the session.
    var isTraineeAttribute: Bool { self == .department || self == .sex || self == .category }
}

/// Adds up a report from the facts in memory, staff member by staff member, so that distinct
/// staff counts are exact: a person counts once in each group they have an enrolment in.
struct CohortTally {
    // Slot layout: one row of `width` counters per group. Literals, so that the hot loop reads
    // constants; `report` checks `statusCount` against EnrolmentStatus (every test that reads a report).
    static let statusCount = 9
    static let enrolments = 0, firstStatus = 1
    static let trainees = 10, women = 11, present = 12, marked = 13
    static let preSum = 14, preCount = 15, postSum = 16, postCount = 17
    static let gainSum = 18, gainCount = 19, issued = 20, revoked = 21
    static let width = 22

    static func report(_ query: CohortQuery, facts: CohortSnapshot, selection: CohortSelection) -> CohortReport {
        precondition(EnrolmentStatus.allCases.count == statusCount, "CohortTally.statusCount is out of date")
        let traineeDimensions = query.by.filter(\.isTraineeAttribute)

        // Session → group of its session-dimension values (-1: filtered out).
        var sessionGroup = [Int32](repeating: -1, count: facts.sessionOrdinals.count)
        var sessionGroups = Interned<[String]>()
        for session in selection.sessions {
            guard let index = facts.sessionIndex[session.ordinal] else { continue }
            sessionGroup[Int(index)] = sessionGroups.index(session.keys)
        }
        let sessionKeys = sessionGroups.values

        // Department filter as indexes in `facts.departments`.
        let allowedDepartments: Set<Int32>? = selection.departmentFilter.map { ids in Set(ids.compactMap { facts.departments.number(of: $0) }) }

        // Each staff member's group of trainee-dimension values (0 when the query has none).
        var traineeCombos = Interned<[String]>()
        var comboOf = [Int32](repeating: 0, count: facts.traineeCount)
        var included = [Bool](repeating: true, count: facts.traineeCount)
        var tripleCombos: [Int: Int32] = [:]
        for (p, page) in facts.pages.enumerated() {
            for line in 0..<page.trainees {
                let i = p * CohortPage.size + line
                let department = page.department[line], category = page.category[line], sex = page.sex[line]
                if let allowed = allowedDepartments, !allowed.contains(department) {
                    included[i] = false
                    continue
                }
                guard !traineeDimensions.isEmpty else { continue }
                // The attributes as one number, so that each distinct triple is named once.
                let triple = (Int(department) + 1) << 40 | Int(category) << 20 | Int(sex)
                if let known = tripleCombos[triple] {
                    comboOf[i] = known
                    continue
                }
                let keys = traineeDimensions.map { dimension -> String in
                    switch dimension {
                    case .department: department < 0 ? "" : selection.departmentCodes[facts.departments[department]] ?? ""
                    case .sex: facts.sexes[sex]
                    default: facts.categories[category]
                    }
                }
                let combo = traineeCombos.index(keys)
                tripleCombos[triple] = combo
                comboOf[i] = combo
            }
        }

        // One row of counters per (session group, trainee group): a table allocated at once when
        // the product is small (every report but the finest), else rows numbered in a first pass.
        let traineeKeys = traineeCombos.values
        let combos = max(1, traineeKeys.count)
        let cells = sessionKeys.count * combos
        let table = cells <= 1 << 16
        var slots: [Int: Int] = [:]
        var slotCells: [Int] = []
        if !table {
            for (p, page) in facts.pages.enumerated() {
                let first = page.first, count = page.count, all = page.facts
                for line in first.indices where included[p * CohortPage.size + line] {
                    let i = p * CohortPage.size + line
                    let start = Int(first[line])
                    for fact in all[start..<(start + Int(count[line]))] {
                        let group = Int(sessionGroup[Int(fact.session)])
                        if group < 0 { continue }
                        let cell = group * combos + Int(comboOf[i])
                        if slots[cell] == nil {
                            slots[cell] = slotCells.count
                            slotCells.append(cell)
                        }
                    }
                }
            }
        }
        var counters = [Int](repeating: 0, count: (table ? cells : slotCells.count) * width)
        var totalTrainees = 0, totalWomen = 0
        var seen: [Int] = []
        seen.reserveCapacity(16)
        counters.withUnsafeMutableBufferPointer { c in
            for (p, page) in facts.pages.enumerated() {
                let first = page.first, count = page.count, womanOf = page.woman, all = page.facts
                for line in first.indices where included[p * CohortPage.size + line] {
                    let i = p * CohortPage.size + line
                    let combo = Int(comboOf[i]), woman = womanOf[line], start = Int(first[line])
                    seen.removeAll(keepingCapacity: true)
                    for fact in all[start..<(start + Int(count[line]))] {
                        let group = Int(sessionGroup[Int(fact.session)])
                        if group < 0 { continue }
                        let cell = group * combos + combo
                        let slot = table ? cell : slots[cell, default: 0]
                        let base = slot * width
                        add(fact, at: base, to: c)
                        if !seen.contains(slot) {
                            seen.append(slot)
                            c[base + trainees] += 1
                            if woman { c[base + women] += 1 }
                        }
                    }
                    if !seen.isEmpty {
                        totalTrainees += 1
                        if woman { totalWomen += 1 }
                    }
                }
            }
        }
        if table { slotCells = (0..<cells).filter { counters[$0 * width + enrolments] > 0 } }
        let slotKeys = slotCells.map { (session: Int32($0 / combos), trainee: Int32($0 % combos)) }
        func row(_ index: Int) -> Int { table ? slotCells[index] : index }

        // Every counted enrolment is in exactly one slot: the total adds them up.
        var total = [Int](repeating: 0, count: width)
        for index in slotKeys.indices {
            for field in 0..<width { total[field] += counters[row(index) * width + field] }
        }
        total[trainees] = totalTrainees
        total[women] = totalWomen

        var groups: [CohortFigures] = []
        for (index, keys) in slotKeys.enumerated() {
            let session = sessionKeys[Int(keys.session)]
            let trainee = traineeDimensions.isEmpty ? [] : traineeKeys[Int(keys.trainee)]
            var s = session.makeIterator(), t = trainee.makeIterator()
            let group = query.by.map { ($0.isTraineeAttribute ? t.next() : s.next()) ?? "" }
            groups.append(figures(group: group, counters[(row(index) * width)..<((row(index) + 1) * width)]))
        }
        groups.sort { $0.group.lexicographicallyPrecedes($1.group) }
        return CohortReport(dimensions: query.by, groups: query.by.isEmpty ? [] : groups, total: figures(group: [], total[...]))
    }

    @inline(__always)
    private static func add(_ fact: CohortFact, at slot: Int, to counters: UnsafeMutableBufferPointer<Int>) {
        counters[slot + enrolments] += 1
        counters[slot + firstStatus + Int(fact.status)] += 1
        counters[slot + present] += Int(fact.presentDays)
        counters[slot + marked] += Int(fact.markedDays)
        if fact.pre >= 0 {
            counters[slot + preSum] += Int(fact.pre)
            counters[slot + preCount] += 1
        }
        if fact.post >= 0 {
            counters[slot + postSum] += Int(fact.post)
            counters[slot + postCount] += 1
            if fact.pre >= 0 {
                counters[slot + gainSum] += Int(fact.post) - Int(fact.pre)
                counters[slot + gainCount] += 1
            }
        }
        if fact.certificate > 0 { counters[slot + issued] += 1 }
        if fact.certificate > 1 { counters[slot + revoked] += 1 }
    }

    private static func figures(group: [String], _ c: ArraySlice<Int>) -> CohortFigures {
        let base = c.startIndex
        func mean(_ sum: Int, _ count: Int) -> Double? { c[base + count] == 0 ? nil : Double(c[base + sum]) / Double(c[base + count] * 100) }
        return CohortFigures(
            group: group, enrolments: c[base + enrolments],
            statuses: Dictionary(uniqueKeysWithValues: EnrolmentStatus.allCases.enumerated().map { ($1.rawValue, c[base + firstStatus + $0]) }),
            trainees: c[base + trainees], women: c[base + women], presentDays: c[base + present], markedDays: c[base + marked],
            meanPreScore: mean(preSum, preCount), meanPostScore: mean(postSum, postCount), meanGain: mean(gainSum, gainCount),
            certificatesIssued: c[base + issued], certificatesRevoked: c[base + revoked])
    }
}

extension CohortTally {
    /// Per programme (session ordinal → programme), distinct staff who completed one of its
    /// sessions and distinct staff given a seat in one (enrolled, completed or failed).
    static func programmes(facts: CohortSnapshot, sessionProgramme: [Int: UUID]) -> [UUID: (trained: Int, enrolled: Int)] {
        var interned = Interned<UUID>()
        var programmeOfSession = [Int32](repeating: -1, count: facts.sessionOrdinals.count)
        for (ordinal, programme) in sessionProgramme {
            guard let session = facts.sessionIndex[ordinal] else { continue }
            programmeOfSession[Int(session)] = interned.index(programme)
        }
        let programmes = interned.values
        let completed = UInt8(EnrolmentStatus.allCases.firstIndex(of: .completed) ?? 0)
        let seated = Set([EnrolmentStatus.enrolled, .completed, .failed].compactMap { EnrolmentStatus.allCases.firstIndex(of: $0) }.map(UInt8.init))
        var trained = [Int](repeating: 0, count: programmes.count), enrolled = trained
        var seenTrained: [Int32] = [], seenEnrolled: [Int32] = []
        for page in facts.pages {
            let first = page.first, count = page.count, all = page.facts
            for line in first.indices {
                seenTrained.removeAll(keepingCapacity: true)
                seenEnrolled.removeAll(keepingCapacity: true)
                let start = Int(first[line])
                for fact in all[start..<(start + Int(count[line]))] {
                    let p = programmeOfSession[Int(fact.session)]
                    guard p >= 0 else { continue }
                    if fact.status == completed, !seenTrained.contains(p) {
                        seenTrained.append(p)
                        trained[Int(p)] += 1
                    }
                    if seated.contains(fact.status), !seenEnrolled.contains(p) {
                        seenEnrolled.append(p)
                        enrolled[Int(p)] += 1
                    }
                }
            }
        }
        return Dictionary(uniqueKeysWithValues: programmes.enumerated().map { ($1, (trained[$0], enrolled[$0])) })
    }
}
