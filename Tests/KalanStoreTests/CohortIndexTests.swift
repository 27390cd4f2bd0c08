import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// The in-memory cohort index gives the same figures as the aggregate query over the tables, for
/// every grouping and filter, and sees each committed write in the next report.
@Suite("Cohort index: the same figures as the direct query, fresh after every write")
struct CohortIndexTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")
    static let leadership = Actor(name: "user:direction", role: .viewer)

    /// The demo register (attendance, scores, certificates, revocations) and a synthetic one beside it.
    func register(_ pool: PostgresPool) async throws -> PostgresRepository {
        let plain = PostgresRepository(pool: pool)
        _ = try await DemoSeed(repository: plain, folder: Self.fixtures, today: Day("2026-11-28")!).run()
        let issuing = CertificateIssuing(
            repository: plain, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "https://k.ml"), serialPrefix: "KLN", publicURL: "https://k.ml",
            clock: .fixed(Day("2026-11-28")!))
        let completed = try await pool.query(
            "SELECT DISTINCT s.code FROM training_session s JOIN enrolment e ON e.session_id = s.id WHERE e.status = 'completed' ORDER BY s.code LIMIT 3")
        for row in completed {
            let issued = try await issuing.issueSession(code: try row.decode("code"), actor: .commandLine())
            if let first = issued.first { try await issuing.revoke(serial: first.certificate.serial, reason: "erreur", actor: .commandLine()) }
        }
        _ = try await SyntheticSeed(trainees: 400, enrolmentsPerTrainee: 4).run(pool)
        return plain
    }

    func queries(_ generator: inout some RandomNumberGenerator, count: Int) -> [CohortQuery] {
        var list = CohortDimension.allCases.map { CohortQuery(by: [$0]) }
        list += [CohortQuery(), CohortQuery(by: [.department, .sex]), CohortQuery(by: [.year, .quarter]), CohortQuery(by: [.domain, .category])]
        list.append(CohortQuery(by: [.month], from: Day("2025-01-01"), to: Day("2025-12-31")))
        list.append(CohortQuery(by: [.course], departmentCode: "SYN-D1"))
        list.append(CohortQuery(by: [.sex], departmentCode: "NO-SUCH"))
        for _ in 0..<count {
            let by = Array(CohortDimension.allCases.shuffled(using: &generator).prefix(Int.random(in: 0...3, using: &generator)))
            var q = CohortQuery(by: by)
            if Bool.random(using: &generator) { q.from = Day("2019-01-01")!.adding(days: Int.random(in: 0...2500, using: &generator)) }
            if Bool.random(using: &generator) { q.to = (q.from ?? Day("2019-01-01")!).adding(days: Int.random(in: 0...2500, using: &generator)) }
            if Int.random(in: 0..<4, using: &generator) == 0 { q.departmentCode = ["SYN-D2", "CAB", "SG"].randomElement(using: &generator) }
            if Int.random(in: 0..<5, using: &generator) == 0 { q.domain = ["telecoms", "cybersecurity", "5g"].randomElement(using: &generator) }
            list.append(q)
        }
        return list
    }

    func expectSame(_ indexed: CohortReport, _ scanned: CohortReport, _ q: CohortQuery) {
        #expect(indexed.groups.map(\.group) == scanned.groups.map(\.group), "groups of \(q)")
        for (a, b) in zip(indexed.groups + [indexed.total], scanned.groups + [scanned.total]) {
            var a = a, b = b
            for mean in [\CohortFigures.meanPreScore, \.meanPostScore, \.meanGain] {
                #expect((a[keyPath: mean] == nil) == (b[keyPath: mean] == nil), "\(q) \(a.group)")
                if let x = a[keyPath: mean], let y = b[keyPath: mean] { #expect(abs(x - y) < 1e-9, "\(q) \(a.group)") }
                a[keyPath: mean] = nil
                b[keyPath: mean] = nil
            }
            #expect(a == b, "\(q)")
        }
    }

    @Test func sameFiguresAsTheDirectQueryAndFreshAfterWrites() async throws {
        try await TestDatabase.withPool { pool in
            let plain = try await register(pool)
            let indexed = PostgresRepository(pool: pool, cohortIndex: CohortIndex())
            var generator = SplitMix64(seed: 20_261_129)
            func compare(_ queries: [CohortQuery]) async throws {
                for q in queries {
                    let a = try await CohortStatistics(repository: indexed).cohorts(q, actor: Self.leadership)
                    let b = try await CohortStatistics(repository: plain).cohorts(q, actor: Self.leadership)
                    expectSame(a, b, q)
                }
                let programmes = try await CohortStatistics(repository: indexed).programmeProgress(actor: Self.leadership)
                #expect(programmes == (try await CohortStatistics(repository: plain).programmeProgress(actor: Self.leadership)))
                #expect(programmes.contains { $0.trained > 0 })
            }
            let demoTotal = try await CohortStatistics(repository: plain).cohorts(CohortQuery(), actor: Self.leadership).total
            #expect(demoTotal.presentDays > 0 && demoTotal.certificatesRevoked > 0 && demoTotal.meanGain != nil, "\(demoTotal)")
            try await compare(queries(&generator, count: 40))

            // Writes of every kind, each seen by the next report.
            try await pool.query(
                "UPDATE trainee SET department_id = (SELECT id FROM department WHERE code = 'SYN-D3'), sex = 'F' WHERE staff_number IN (SELECT staff_number FROM trainee ORDER BY staff_number LIMIT 30)"
            )
            try await compare([CohortQuery(by: [.department, .sex])])
            // Results can change only while open (not completed or failed).
            try await pool.query(
                "INSERT INTO attendance (enrolment_id, day, status, recorded_by) SELECT id, lower(period), 'present', 'test' FROM enrolment WHERE status = 'enrolled' ORDER BY id LIMIT 40 ON CONFLICT DO NOTHING"
            )
            try await pool.query(
                "UPDATE attendance SET status = 'absent' WHERE enrolment_id IN (SELECT enrolment_id FROM attendance a JOIN enrolment e ON e.id = a.enrolment_id WHERE e.status = 'enrolled' ORDER BY 1 LIMIT 10)"
            )
            try await pool.query(
                "DELETE FROM attendance WHERE enrolment_id IN (SELECT enrolment_id FROM attendance a JOIN enrolment e ON e.id = a.enrolment_id WHERE e.status = 'enrolled' ORDER BY 1 DESC LIMIT 5)"
            )
            try await pool.query(
                "INSERT INTO assessment (enrolment_id, kind, score, recorded_by) SELECT id, 'pre', 55.25, 'test' FROM enrolment WHERE status = 'enrolled' ORDER BY id LIMIT 20 ON CONFLICT DO NOTHING"
            )
            try await pool.query(
                "INSERT INTO assessment (enrolment_id, kind, score, recorded_by) SELECT id, 'post', 81.5, 'test' FROM enrolment WHERE status = 'enrolled' ORDER BY id LIMIT 10 ON CONFLICT DO NOTHING"
            )
            try await pool.query("UPDATE certificate SET revoked_at = now(), revoked_by = 'test', revoked_reason = 'test' WHERE revoked_at IS NULL AND id IN (SELECT id FROM certificate LIMIT 3)")
            try await pool.query("UPDATE enrolment SET status = 'no_show' WHERE id IN (SELECT id FROM enrolment WHERE status = 'enrolled' LIMIT 25)")
            try await pool.query(
                """
                INSERT INTO enrolment (session_id, trainee_id, status, period)
                SELECT s.id, t.id, 'nominated', daterange(s.starts_on, s.ends_on, '[]')
                FROM (SELECT id, starts_on, ends_on FROM training_session ORDER BY code DESC LIMIT 1) s,
                     (SELECT id FROM trainee WHERE NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.trainee_id = trainee.id) LIMIT 7) t
                """)
            try await compare(queries(&generator, count: 20))
        }
    }

    /// Two transactions: the later one commits first; the report after both sees both.
    @Test func aTransactionThatCommitsLateIsStillSeen() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await register(pool)
            let indexed = PostgresRepository(pool: pool, cohortIndex: CohortIndex())
            let statistics = CohortStatistics(repository: indexed)
            let before = try await statistics.cohorts(CohortQuery(), actor: Self.leadership).total
            let late = try await pool.withConnection { slow in
                try await slow.run("BEGIN")
                try await slow.run("UPDATE enrolment SET status = 'rejected' WHERE id = (SELECT id FROM enrolment WHERE status = 'nominated' ORDER BY id LIMIT 1)")
                // Meanwhile another transaction commits and a report is read.
                try await pool.query("UPDATE enrolment SET status = 'rejected' WHERE id = (SELECT id FROM enrolment WHERE status = 'nominated' ORDER BY id DESC LIMIT 1)")
                let middle = try await statistics.cohorts(CohortQuery(), actor: Self.leadership).total
                try await slow.run("COMMIT")
                return middle
            }
            #expect(late.statuses["rejected"] == (before.statuses["rejected"] ?? 0) + 1)
            let after = try await statistics.cohorts(CohortQuery(), actor: Self.leadership).total
            #expect(after.statuses["rejected"] == (before.statuses["rejected"] ?? 0) + 2)
        }
    }
}
