import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Money statistics: cost per participant, completion and certificate, by funder, partner, programme, domain and year")
struct MoneyStatisticsTests {
    /// Two partners, two courses (telecoms, 5g), a programme, two departments; eight sessions over
    /// 2030–2032 with random staff, outcomes, certificates and cost lines in XOF, EUR and USD.
    func world(_ f: WorkflowFixture, seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        try await f.register.addDepartment(code: "AGETIC", nameFR: "AGETIC", nameEN: "AGETIC", kind: "agency", parentCode: nil, actor: f.admin)
        try await f.register.addPartner(code: "MGIMO", name: "Université MGIMO", kind: "university", country: "RU", actor: f.admin)
        try await f.register.addProgramme(
            .init(
                code: "ML-IR", nameFR: "Coopération Mali–Iran", nameEN: nil, startsOn: "2030-01-01", endsOn: "2032-12-31", domains: ["telecoms"], targetTrainees: 50,
                partnerCodes: ["ITRC"]), actor: f.admin)
        var staff = try await f.staff(24)
        let theirs = Array(staff[12...])
        try await f.repository.transaction { work in
            let agetic = try await work.department(code: "AGETIC")
            for number in theirs {
                var trainee = try await work.trainee(staffNumber: number)!
                trainee.departmentID = agetic?.id
                _ = try await work.update(trainee)
            }
        }
        let issuing = CertificateIssuing(
            repository: f.repository, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "https://k.ml"), serialPrefix: "KLN", publicURL: "https://k.ml",
            clock: .fixed(Day("2033-01-01")!))
        let costs = SessionCosts(repository: f.repository)
        for i in 0..<8 {
            let start = Day("2030-02-04")!.adding(days: i * 140)
            let code = "S-\(i)"
            try await f.register.addSession(
                .init(
                    code: code, courseCode: i % 3 == 0 ? "5G-NET" : "TEL-FOND", partnerCode: i % 2 == 0 ? "ITRC" : "MGIMO", programmeCode: i % 4 == 1 ? nil : "ML-IR",
                    startsOn: "\(start)", endsOn: "\(start.adding(days: 4))", mode: "in_person", city: "Tehran", country: "IR", capacity: 30, enrolmentDeadline: nil,
                    status: "open"), actor: f.admin)
            staff.shuffle(using: &random)
            for number in staff.prefix(Int.random(in: 0...9, using: &random)) {
                try await f.workflow.enrol(staffNumber: number, sessionCode: code, actor: f.admin, override: "test")
                switch Int.random(in: 0..<4, using: &random) {
                case 0: try await f.results.complete(sessionCode: code, staffNumber: number, actor: f.admin, override: (.completed, "test"))
                case 1: try await f.results.complete(sessionCode: code, staffNumber: number, actor: f.admin, override: (.failed, "test"))
                case 2: try await f.workflow.withdraw(staffNumber: number, sessionCode: code, reason: "mission", actor: f.admin)
                default: break
                }
            }
            if i % 2 == 0 { _ = try await issuing.issueSession(code: code, actor: f.admin) }
            // Session 7 has no cost line: it never counts.
            guard i != 7 else { continue }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let payer = ["partner", "state", "other"][Int.random(in: 0..<3, using: &random)]
                let currency = ["XOF", "EUR", "USD"][Int.random(in: 0..<3, using: &random)]
                let amount = currency == "XOF" ? "\(Int.random(in: 1...9_000_000, using: &random))" : "\(Int.random(in: 1...90_000, using: &random)).\(Int.random(in: 10...99, using: &random))"
                try await costs.add(
                    .init(
                        sessionCode: code, kind: CostKind.allCases.randomElement(using: &random)!.rawValue, amount: amount, currency: currency,
                        rate: currency == "EUR" ? "655.957" : (currency == "USD" ? "\(Int.random(in: 550...650, using: &random)).\(Int.random(in: 0...99, using: &random))" : nil),
                        payer: payer, payerPartner: payer == "partner" && Bool.random(using: &random) ? "MGIMO" : nil,
                        payerName: payer == "other" ? ["UIT", "Banque mondiale"][Int.random(in: 0..<2, using: &random)] : nil), actor: f.hr)
            }
        }
    }

    /// The reference: every line, session and enrolment read with plain queries, the figures
    /// computed here in integers by the rules `MoneyFigures` states.
    func reference(_ f: WorkflowFixture, _ q: MoneyQuery) async throws -> (groups: [String: MoneyFigures], total: MoneyFigures) {
        struct Session {
            var id: UUID
            var year, partner, programme, domain, course: String
            var startsOn: Day
            var everyone = 0, participants = 0, completions = 0, certificates = 0
        }
        var sessions: [UUID: Session] = [:]
        for row in try await f.pool.query(
            """
            SELECT s.id, s.starts_on, p.code AS partner, coalesce(ps.code, pc.code, '') AS programme, c.domain, c.code AS course
            FROM training_session s JOIN course c ON c.id = s.course_id JOIN partner p ON p.id = s.partner_id
            LEFT JOIN programme ps ON ps.id = s.programme_id LEFT JOIN programme pc ON pc.id = c.programme_id
            """)
        {
            let start: Day = try row.decode("starts_on")
            let id: UUID = try row.decode("id")
            sessions[id] = Session(
                id: id, year: String(start.components.year), partner: try row.decode("partner"), programme: try row.decode("programme"),
                domain: try row.decode("domain"), course: try row.decode("course"), startsOn: start)
        }
        let filters = q.filters
        sessions = sessions.filter { _, s in
            (filters.from.map { s.startsOn >= $0 } ?? true) && (filters.to.map { s.startsOn <= $0 } ?? true)
                && (filters.partnerCode.map { s.partner == $0 } ?? true) && (filters.programmeCode.map { s.programme == $0 } ?? true)
                && (filters.domain.map { s.domain == $0 } ?? true) && (filters.courseCode.map { s.course == $0 } ?? true)
        }
        for row in try await f.pool.query(
            """
            SELECT e.session_id, e.status, coalesce(d.code, '') AS department, (c.id IS NOT NULL AND c.revoked_at IS NULL) AS certified
            FROM enrolment e JOIN trainee t ON t.id = e.trainee_id LEFT JOIN department d ON d.id = t.department_id
            LEFT JOIN certificate c ON c.enrolment_id = e.id
            """)
        {
            let id: UUID = try row.decode("session_id")
            guard var s = sessions[id] else { continue }
            let status: String = try row.decode("status"), department: String = try row.decode("department")
            let admitted = ["enrolled", "completed", "failed", "withdrawn", "no_show"].contains(status)
            let mine = filters.departmentCode.map { $0 == department } ?? true
            if admitted { s.everyone += 1 }
            if admitted && mine { s.participants += 1 }
            if status == "completed" && mine { s.completions += 1 }
            if try row.decode("certified", as: Bool.self) && mine { s.certificates += 1 }
            sessions[id] = s
        }
        var pieces: [String: [UUID: Int64]] = [:]
        for row in try await f.pool.query(
            "SELECT l.session_id, l.payer_kind, l.payer_name, p.code AS partner, l.amount_xof FROM cost_line l LEFT JOIN partner p ON p.id = l.payer_partner_id")
        {
            let id: UUID = try row.decode("session_id")
            guard let s = sessions[id] else { continue }
            let kind: String = try row.decode("payer_kind")
            let key: String
            switch q.by {
            case .funder?:
                key = kind == "state" ? "state" : (kind == "partner" ? "partner:" + (try row.decode("partner", as: String.self)) : "other:" + (try row.decode("payer_name", as: String.self)))
            case .partner?: key = s.partner
            case .programme?: key = s.programme
            case .domain?: key = s.domain
            case .year?: key = s.year
            case nil: key = ""
            }
            pieces[key, default: [:]][id, default: 0] += try row.decode("amount_xof", as: Int64.self)
        }
        func share(_ xof: Int64, _ s: Session) -> Int64 {
            guard filters.departmentCode != nil else { return xof }
            return s.everyone == 0 ? 0 : (2 * xof * Int64(s.participants) + Int64(s.everyone)) / (2 * Int64(s.everyone))
        }
        var groups: [String: MoneyFigures] = [:]
        var total = MoneyFigures(group: "", sessions: 0, costXOF: 0, participants: 0, completions: 0, certificates: 0)
        var costed = Set<UUID>()
        for (key, bySession) in pieces {
            var g = MoneyFigures(group: key, sessions: 0, costXOF: 0, participants: 0, completions: 0, certificates: 0)
            for (id, xof) in bySession {
                let s = sessions[id]!
                g.sessions += 1
                g.costXOF += share(xof, s)
                g.participants += s.participants
                g.completions += s.completions
                g.certificates += s.certificates
                costed.insert(id)
            }
            groups[key] = g
            total.costXOF += g.costXOF
        }
        for id in costed {
            let s = sessions[id]!
            total.sessions += 1
            total.participants += s.participants
            total.completions += s.completions
            total.certificates += s.certificates
        }
        return (groups, total)
    }

    @Test func moneyFiguresMatchADirectComputationOnRandomFilters() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let seed = UInt64.random(in: 0...UInt64.max)
            try await world(f, seed: seed)
            var random = SplitMix64(seed: seed ^ 0x5eed)
            let stats = SessionCosts(repository: f.repository)
            var checked = 0
            for round in 0..<40 {
                var filters = CohortQuery()
                if Bool.random(using: &random) { filters.from = Day("2030-01-01")!.adding(days: Int.random(in: 0...700, using: &random)) }
                if Bool.random(using: &random) { filters.to = Day("2030-06-01")!.adding(days: Int.random(in: 0...900, using: &random)) }
                if let from = filters.from, let to = filters.to, to < from { filters.to = from }
                if Int.random(in: 0..<3, using: &random) == 0 { filters.partnerCode = ["ITRC", "MGIMO"].randomElement(using: &random) }
                if Int.random(in: 0..<3, using: &random) == 0 { filters.departmentCode = ["DNT", "AGETIC"].randomElement(using: &random) }
                if Int.random(in: 0..<4, using: &random) == 0 { filters.domain = ["telecoms", "5g"].randomElement(using: &random) }
                if Int.random(in: 0..<4, using: &random) == 0 { filters.programmeCode = "ML-IR" }
                if Int.random(in: 0..<5, using: &random) == 0 { filters.courseCode = "TEL-FOND" }
                let by: MoneyDimension? = round % 6 == 5 ? nil : MoneyDimension.allCases[round % 5]
                let query = MoneyQuery(by: by, filters: filters)
                let report = try await stats.money(query, actor: f.hr)
                let expected = try await reference(f, query)
                let context = "seed \(seed), round \(round), by \(by?.rawValue ?? "total"), \(filters)"
                #expect(report.total == expected.total, "\(context)")
                if by != nil {
                    #expect(Dictionary(uniqueKeysWithValues: report.groups.map { ($0.group, $0) }) == expected.groups, "\(context)")
                } else {
                    #expect(report.groups.isEmpty)
                }
                if filters.departmentCode == nil { #expect(report.groups.reduce(0) { $0 + $1.costXOF } == report.total.costXOF || by == nil) }
                checked += 1
            }
            #expect(checked == 40)
            // The partners' contributions per year: their own lines, all filters off.
            let all = try await stats.money(MoneyQuery(), actor: f.hr)
            #expect(all.total.sessions == 7 && all.total.costXOF > 0, "seven sessions have cost lines (seed \(seed))")
            let direct = try await pool.query(
                """
                SELECT extract(year FROM s.starts_on)::int AS year, p.code, sum(l.amount_xof)::bigint AS xof FROM cost_line l
                JOIN training_session s ON s.id = l.session_id JOIN partner p ON p.id = l.payer_partner_id GROUP BY 1, 2 ORDER BY 1, 2
                """
            ).map { "\(try $0.decode("year", as: Int.self)) \(try $0.decode("code", as: String.self)) \(try $0.decode("xof", as: Int64.self))" }
            #expect(all.contributions.map { "\($0.year) \($0.partnerCode) \($0.xof)" } == direct)
            await #expect(throws: KalanError.forbidden) { try await stats.money(MoneyQuery(), actor: Actor(name: "user:t", role: .trainer)) }
            await #expect(throws: KalanError.invalid(field: "to", problem: .order(mustFollow: "from"))) {
                try await stats.money(MoneyQuery(filters: CohortQuery(from: Day("2031-01-01"), to: Day("2030-01-01"))), actor: f.hr)
            }
        }
    }

    @Test func kalanCostsAndAbroadCommandsPrintTheLinesTheStatisticsAndTheOverdue() async throws {
        try #require(KalanProcess.isBuilt, "kalan must be built beside the tests (swift build --build-tests)")
        let url = try await TestDatabase.shared.freshDatabaseURL()
        let pool = PostgresPool(configuration: .init(url: url), maxConnections: 2)
        let f = try await WorkflowFixture.make(pool)
        try await f.session("S-TEH", from: "2030-03-04", to: "2030-03-22")
        let staff = try await f.staff(2)
        for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-TEH", actor: f.hr) }
        try await AbroadFiles(repository: f.repository, clock: .fixed(Day("2030-03-01")!)).open(
            .init(sessionCode: "S-TEH", staffNumber: staff[0], departsOn: "2030-03-02", returnsOn: "2030-03-24", funding: "state"), actor: f.hr)
        await pool.close()
        let common = ["--database-url", url, "--log-level", "error", "--lang", "en"]
        let added = try await KalanProcess.run(
            ["costs", "add", "S-TEH", "--kind", "lodging", "--amount", "9800.00", "--currency", "EUR", "--rate", "655.957", "--payer", "partner"] + common)
        #expect(added.code == 0 && added.output.contains("9,800.00 EUR = 6,428,379 CFA F"), "\(added.output)")
        let refused = try await KalanProcess.run(["costs", "add", "S-TEH", "--kind", "travel", "--amount", "10", "--currency", "USD", "--payer", "state"] + common)
        #expect(refused.code != 0 && refused.output.contains("Exchange rate"), "\(refused.output)")
        let csv = try await KalanProcess.run(["costs", "list", "S-TEH", "--format", "csv"] + common)
        #expect(csv.output.contains("lodging,9800.00,EUR,655.957,6428379,partner"), "\(csv.output)")
        let stats = try await KalanProcess.run(["costs", "stats", "--by", "funder", "--format", "csv"] + common)
        #expect(stats.output.contains("partner:ITRC,1,6428379,2,3214190,0,,0,"), "\(stats.output)")
        // The machine's clock is past 2030-03-24 only after that day: the list of all files is shown instead.
        let files = try await KalanProcess.run(["abroad", "list", "--format", "csv"] + common)
        #expect(files.code == 0 && files.output.contains(staff[0]) && files.output.contains("2030-03-24"), "\(files.output)")
        let overdue = try await KalanProcess.run(["abroad", "list", "--overdue", "--department", "DNT", "--format", "json"] + common)
        #expect(overdue.code == 0, "\(overdue.output)")
    }

    @Test func perHeadFiguresRoundHalfUpAndAreAbsentWithNobody() {
        let f = MoneyFigures(group: "", sessions: 1, costXOF: 1_000_001, participants: 2, completions: 0, certificates: 3)
        #expect(f.perParticipant == 500_001, "500000.5 rounds up")
        #expect(f.perCompletion == nil)
        #expect(f.perCertificate == 333_334)
    }
}
