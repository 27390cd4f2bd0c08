import Foundation
import KalanCore
import Postgres

/// Generates a large register for benchmarks: N trainees, N/20 sessions and ten enrolments per
/// trainee (100,000 trainees → 5,000 sessions, 1,000,000 enrolments), loaded through COPY.
/// Every rule still holds: no trainee is in two sessions of the same week, no session is over
/// capacity, and results exist for past sessions.
public struct SyntheticSeed: Sendable {
    public let trainees: Int
    public let enrolmentsPerTrainee: Int

    public init(trainees: Int, enrolmentsPerTrainee: Int = 10) {
        self.trainees = trainees
        self.enrolmentsPerTrainee = enrolmentsPerTrainee
    }

    public struct Outcome: Sendable {
        public var trainees, sessions, enrolments: Int
        public var seconds: Double
    }

    static let weeks = 520

    public func run(_ pool: PostgresPool, clock: WallClock = .system, progress: (@Sendable (String) -> Void)? = nil) async throws -> Outcome {
        let stopwatch = Stopwatch()
        let sessionCount = max(1, trainees / 20)
        let batch = try await pool.query("SELECT (count(*) + 1)::int AS n FROM trainee WHERE staff_number LIKE 'SYN-%'").firstRow().decode("n", as: Int.self)
        let tag = String(format: "%03d", batch % 1000)
        var outcome = try await pool.withTransaction { connection in
            // The catalogue the synthetic sessions use.
            try await connection.run(
                """
                INSERT INTO department (code, name_fr, name_en, kind) SELECT 'SYN-D' || g, 'Direction synthétique ' || g, 'Synthetic department ' || g, 'direction'
                  FROM generate_series(1, 20) g ON CONFLICT (code) DO NOTHING;
                INSERT INTO partner (code, name, kind, country) VALUES ('SYN-P', 'Partenaire synthétique', 'university', 'ML') ON CONFLICT (code) DO NOTHING;
                INSERT INTO course (code, title_fr, title_en, domain, hours, pass_mark)
                  SELECT 'SYN-C' || g, 'Cours synthétique ' || g, 'Synthetic course ' || g,
                         (ARRAY['telecoms','cybersecurity','5g','e_governance','broadcasting','innovation'])[1 + g % 6], 20 + g, 60
                  FROM generate_series(1, 30) g ON CONFLICT (code) DO NOTHING;
                """)
            progress?("trainees")
            let departmentIDs = try await connection.query("SELECT id FROM department WHERE code LIKE 'SYN-D%' ORDER BY code").map { try $0.decode("id", as: UUID.self) }
            let traineeIDs = (0..<trainees).map { _ in UUID() }
            let count = trainees
            try await connection.copyIn("COPY trainee (id, staff_number, given_name, family_name, sex, category, department_id, active) FROM STDIN") { write in
                var chunk = ChunkWriter(write: write)
                let given = ["Aminata", "Moussa", "Fatoumata", "Ibrahim", "Awa", "Seydou", "Mariam", "Oumar", "Kadiatou", "Bakary"]
                let family = ["Traoré", "Keïta", "Coulibaly", "Diarra", "Touré", "Maïga", "Cissé", "Sangaré", "N'Diaye", "Ag Ilyène"]
                for i in 0..<count {
                    let sex = i % 3 == 0 ? "F" : "M"
                    try chunk.line(
                        "\(traineeIDs[i])\tSYN-\(tag)-\(String(format: "%07d", i))\t\(given[i % 10])\t\(family[(i / 10) % 10])\t\(sex)\t\(["A", "B1", "B2", "C"][i % 4])\t\(departmentIDs[i % departmentIDs.count])\t\(i % 25 != 0)"
                    )
                }
                try chunk.flush()
            }
            progress?("sessions")
            let courses = try await connection.query("SELECT id FROM course WHERE code LIKE 'SYN-C%' ORDER BY code").map { try $0.decode("id", as: UUID.self) }
            let partner = try await connection.query("SELECT id FROM partner WHERE code = 'SYN-P'").firstRow().decode("id", as: UUID.self)
            let firstMonday = Day("2017-01-02")!
            let sessions = (0..<sessionCount).map { i in (id: UUID(), week: i % Self.weeks) }
            let perSession = Int((Double(trainees * enrolmentsPerTrainee) / Double(sessionCount)).rounded(.up)) + 20
            let today = clock.today()
            try await connection.copyIn(
                "COPY training_session (id, code, course_id, partner_id, starts_on, ends_on, mode, capacity, status) FROM STDIN"
            ) { write in
                var chunk = ChunkWriter(write: write)
                for (i, s) in sessions.enumerated() {
                    let starts = firstMonday.adding(days: s.week * 7), ends = starts.adding(days: 4)
                    let status = ends < today ? "completed" : starts <= today ? "in_progress" : "open"
                    try chunk.line("\(s.id)\tSYN-\(tag)-S\(String(format: "%06d", i))\t\(courses[i % courses.count])\t\(partner)\t\(starts)\t\(ends)\tonline\t\(perSession)\t\(status)")
                }
                try chunk.flush()
            }
            progress?("enrolments")
            // Sessions grouped by week: a trainee takes sessions from distinct weeks, so never two at once.
            var weeks = [[Int]](repeating: [], count: Self.weeks)
            for (index, s) in sessions.enumerated() { weeks[s.week].append(index) }
            let byWeek = weeks
            let usedWeeks = byWeek.indices.filter { !byWeek[$0].isEmpty }
            let perTrainee = min(enrolmentsPerTrainee, usedWeeks.count)
            try await connection.copyIn(
                "COPY enrolment (session_id, trainee_id, status, period, requested_at) FROM STDIN"
            ) { write in
                var chunk = ChunkWriter(write: write)
                var generator = SplitMix64(seed: 2026)
                for (t, trainee) in traineeIDs.enumerated() {
                    let offset = Int(generator.next() % UInt64(usedWeeks.count))
                    for j in 0..<perTrainee {
                        let week = usedWeeks[(offset + j * (usedWeeks.count / perTrainee + 1)) % usedWeeks.count]
                        let candidates = byWeek[week]
                        let index = candidates[Int(generator.next() % UInt64(candidates.count))]
                        let starts = firstMonday.adding(days: week * 7), ends = starts.adding(days: 4)
                        let status = ends < today ? (generator.next() % 5 == 0 ? "failed" : "completed") : "enrolled"
                        try chunk.line("\(sessions[index].id)\t\(trainee)\t\(status)\t[\(starts),\(ends)]\t\(starts.adding(days: -14)) 08:00:00+00")
                    }
                    if t % 10_000 == 0 { progress?("enrolments \(t)/\(traineeIDs.count)") }
                }
                try chunk.flush()
            }
            let enrolments = try await connection.query("SELECT count(*) AS n FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number LIKE \("SYN-\(tag)-%")")
                .firstRow().decode("n", as: Int.self)
            try await connection.query(
                """
                INSERT INTO audit_event (actor, source, action, entity, entity_id, after)
                VALUES ('cli:seed', 'cli', 'seed.synthetic', 'trainee', \(tag), \(PostgresJSON(text: "{\"trainees\": \(trainees), \"enrolments\": \(enrolments)}")))
                """)
            return Outcome(trainees: trainees, sessions: sessionCount, enrolments: enrolments, seconds: 0)
        }
        // Planner statistics for what was just loaded: without them the first queries plan for
        // empty tables (a two-line roster took 500 ms right after the seed).
        progress?("analyze")
        try await pool.query("ANALYZE department, partner, course, trainee, training_session, enrolment")
        outcome.seconds = stopwatch.seconds
        return outcome
    }
}

/// Buffers COPY lines into ~256 KB chunks.
struct ChunkWriter {
    let write: (ArraySlice<UInt8>) throws -> Void
    var buffer: [UInt8] = []

    init(write: @escaping (ArraySlice<UInt8>) throws -> Void) {
        self.write = write
        buffer.reserveCapacity(1 << 18)
    }

    mutating func line(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 18 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try write(buffer[...])
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A small deterministic generator so seeds (and randomised tests) are repeatable.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
