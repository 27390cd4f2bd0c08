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
    // Slot layout: one row of `width` counters per group.
    static let statusCount = EnrolmentStatus.allCases.count
    static let enrolments = 0, firstStatus = 1
    static let trainees = firstStatus + statusCount, women = trainees + 1, present = women + 1, marked = present + 1
    static let preSum = marked + 1, preCount = preSum + 1, postSum = preCount + 1, postCount = postSum + 1
    static let gainSum = postCount + 1, gainCount = gainSum + 1, issued = gainCount + 1, revoked = issued + 1
    static let width = revoked + 1

    static func report(_ query: CohortQuery, facts: CohortFacts, selection: CohortSelection) -> CohortReport {
        let traineeDimensions = query.by.filter(\.isTraineeAttribute)

        // Session → group of its session-dimension values (-1: filtered out).
        var sessionGroup = [Int32](repeating: -1, count: facts.sessionOrdinals.count)
        var sessionGroups: [[String]: Int32] = [:]
        var sessionKeys: [[String]] = []
        for session in selection.sessions {
            guard let index = facts.sessionIndex[session.ordinal] else { continue }
            let group =
                sessionGroups[session.keys]
                ?? {
                    sessionGroups[session.keys] = Int32(sessionKeys.count)
                    sessionKeys.append(session.keys)
                    return Int32(sessionKeys.count - 1)
                }()
            sessionGroup[Int(index)] = group
        }

        // Department filter as indexes in `facts.departments`.
        let allowedDepartments: Set<Int32>? = selection.departmentFilter.map { ids in Set(ids.compactMap { facts.departmentIndex[$0] }) }

        var traineeCombos: [[String]: Int32] = [:]
        var traineeKeys: [[String]] = []
        var slots: [Int64: Int] = [:]
        var counters: [Int] = []
        var slotKeys: [(session: Int32, trainee: Int32)] = []
        var total = [Int](repeating: 0, count: width)
        var seen: [Int] = []
        seen.reserveCapacity(16)

        for trainee in facts.trainees {
            if let allowed = allowedDepartments, !allowed.contains(trainee.department) { continue }
            var combo: Int32 = 0
            if !traineeDimensions.isEmpty {
                let keys = traineeDimensions.map { dimension -> String in
                    switch dimension {
                    case .department: trainee.department < 0 ? "" : selection.departmentCodes[facts.departments[Int(trainee.department)]] ?? ""
                    case .sex: trainee.sex
                    default: facts.categories[Int(trainee.category)]
                    }
                }
                combo =
                    traineeCombos[keys]
                    ?? {
                        traineeCombos[keys] = Int32(traineeKeys.count)
                        traineeKeys.append(keys)
                        return Int32(traineeKeys.count - 1)
                    }()
            }
            seen.removeAll(keepingCapacity: true)
            var counted = false
            for fact in trainee.facts {
                let group = sessionGroup[Int(fact.session)]
                if group < 0 { continue }
                let key = Int64(group) << 32 | Int64(combo)
                let slot =
                    slots[key]
                    ?? {
                        let slot = counters.count
                        slots[key] = slot
                        counters.append(contentsOf: repeatElement(0, count: width))
                        slotKeys.append((group, combo))
                        return slot
                    }()
                add(fact, at: slot, to: &counters)
                if !seen.contains(slot) {
                    seen.append(slot)
                    counters[slot + trainees] += 1
                    if trainee.woman { counters[slot + women] += 1 }
                }
                add(fact, at: 0, to: &total)
                counted = true
            }
            if counted {
                total[trainees] += 1
                if trainee.woman { total[women] += 1 }
            }
        }

        var groups: [CohortFigures] = []
        for (index, keys) in slotKeys.enumerated() {
            let session = sessionKeys[Int(keys.session)]
            let trainee = traineeDimensions.isEmpty ? [] : traineeKeys[Int(keys.trainee)]
            var s = session.makeIterator(), t = trainee.makeIterator()
            let group = query.by.map { ($0.isTraineeAttribute ? t.next() : s.next()) ?? "" }
            groups.append(figures(group: group, counters[(index * width)..<((index + 1) * width)]))
        }
        groups.sort { $0.group.lexicographicallyPrecedes($1.group) }
        return CohortReport(dimensions: query.by, groups: query.by.isEmpty ? [] : groups, total: figures(group: [], total[...]))
    }

    private static func add(_ fact: CohortFact, at slot: Int, to counters: inout [Int]) {
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
