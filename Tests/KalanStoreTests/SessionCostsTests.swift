import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Session costs: amounts in minor units, exact rates, CFA amounts in integers, payers, bad input named by field")
struct SessionCostsTests {
    @Test func linesInTwoCurrenciesKeepTheirAmountRateAndCFAAmount() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-TEH")
            let costs = SessionCosts(repository: f.repository)
            let travel = try await costs.add(
                .init(sessionCode: "s-teh", kind: "travel", amount: "1 250,50", currency: "eur", rate: "655,957", payer: "partner"), actor: f.hr)
            #expect(travel.amount == Money(minor: 125_050, currency: Currency(code: "EUR", exponent: 2)))
            #expect(travel.rate == ExchangeRate(numerator: 655_957, denominator: 1000))
            #expect(travel.xof == 820_274, "1250.50 × 655.957 = 820274.23, rounded to 820274")
            #expect(travel.payer == .partner && travel.payerPartnerCode == "ITRC" && travel.payerName == "Iran Telecommunication Research Center")
            let venue = try await costs.add(.init(sessionCode: "S-TEH", kind: "venue", amount: "300000", payer: "state"), actor: f.hr)
            #expect(venue.xof == 300_000 && venue.amount.currency == .xof && venue.rate == .one)
            let other = try await costs.add(
                .init(
                    sessionCode: "S-TEH", kind: "allowances", description: "Per diem", amount: "0.01", currency: "USD", rate: "50", payer: "other",
                    payerName: "Banque mondiale"), actor: f.admin)
            #expect(other.xof == 1, "0.01 USD × 50 = 0.5 franc, rounded half up to 1")
            let sheet = try await costs.sheet(sessionCode: "S-TEH", actor: Actor(name: "user:v", role: .viewer))
            #expect(sheet.lines.map(\.kind) == [.travel, .venue, .allowances])
            #expect(sheet.totalXOF == 1_120_275 && sheet.total(paidBy: .state) == 300_000)
            #expect(try await f.count("audit_event WHERE action = 'session.cost.add' AND entity_id = 'S-TEH'") == 3)
            try await costs.remove(sessionCode: "S-TEH", lineID: venue.id, actor: f.hr)
            #expect(try await costs.sheet(sessionCode: "S-TEH", actor: f.hr).lines.count == 2)
            await #expect(throws: KalanError.forbidden) { try await costs.sheet(sessionCode: "S-TEH", actor: Actor(name: "user:t", role: .trainer)) }
            await #expect(throws: KalanError.forbidden) {
                try await costs.add(.init(sessionCode: "S-TEH", kind: "venue", amount: "1", payer: "state"), actor: Actor(name: "user:v", role: .viewer))
            }
        }
    }

    @Test func badInputIsRefusedNamingItsFieldAndNothingIsKept() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-BAD")
            let costs = SessionCosts(repository: f.repository)
            func refused(_ input: CostLineInput) async -> String? {
                do {
                    _ = try await costs.add(input, actor: f.hr)
                    return nil
                } catch let error as KalanError {
                    return error.field ?? "\(error)"
                } catch {
                    return "\(error)"
                }
            }
            let cases: [(CostLineInput, String)] = [
                (.init(sessionCode: "S-BAD", kind: "food", amount: "10", payer: "state"), "kind"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "12.345", currency: "EUR", rate: "655.957", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "12.5", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "-5", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "0", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "1e5", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "", payer: "state"), "amount"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", currency: "ZZZ", rate: "1", payer: "state"), "currency"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", currency: "EUR", payer: "state"), "rate"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", currency: "EUR", rate: "0", payer: "state"), "rate"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", currency: "EUR", rate: "abc", payer: "state"), "rate"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", rate: "600", payer: "state"), "rate"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", payer: "ministry"), "payer"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", payer: "other"), "payer_name"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "10", payer: "partner", payerPartner: "NOPE"), "payer_partner"),
                (.init(sessionCode: "S-BAD", kind: "travel", amount: "999999999999", currency: "EUR", rate: "999999999999", payer: "state"), "amount"),
            ]
            for (input, field) in cases {
                let got = await refused(input)
                #expect(got == field, "\(input.kind) \(input.amount) \(input.currency ?? "") \(input.rate ?? "") \(input.payer): \(got ?? "accepted")")
            }
            let message = KalanError.invalid(field: "rate", problem: .format(.exchangeRate)).message(in: .fr)
            #expect(message.contains("Taux de change") && message.contains("655,957"))
            #expect(try await f.count("cost_line") == 0)
        }
    }

    @Test func theDatabaseRefusesWhatTheRulesForbidAndComputesTheSameCFAAmountAsKalan() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let session = try await f.session("S-DB")
            func insert(_ values: String) async throws {
                try await pool.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO cost_line (session_id, kind, amount_minor, currency, minor_exponent, rate_numerator, rate_denominator, payer_kind, payer_name, created_by)
                            VALUES ('\(session.id)', \(values), 't')
                            """))
            }
            func sqlState(_ values: String) async -> String? {
                do {
                    try await insert(values)
                    return nil
                } catch let error as PostgresError {
                    return error.sqlState
                } catch {
                    return "\(error)"
                }
            }
            #expect(await sqlState("'travel', 100, 'XOF', 0, 2, 1, 'state', NULL") == "23514", "a CFA line is counted at 1")
            #expect(await sqlState("'travel', 100, 'EUR', 0, 655957, 1000, 'state', NULL") == "23503", "EUR has cents")
            #expect(await sqlState("'travel', 0, 'XOF', 0, 1, 1, 'state', NULL") == "23514")
            #expect(await sqlState("'food', 10, 'XOF', 0, 1, 1, 'state', NULL") == "23514")
            #expect(await sqlState("'travel', 10, 'XOF', 0, 1, 1, 'other', NULL") == "23514", "another funder is named")
            #expect(await sqlState("'travel', 10, 'XOF', 0, 1, 1, 'partner', NULL") == "23514", "a partner payer names the partner")
            // Random amounts and rates: the database's generated CFA amount is Kalan's own integer computation.
            var generator = SystemRandomNumberGenerator()
            var expected: [Int64: Int64] = [:]
            for i in 0..<200 {
                let currency = [Currency(code: "EUR", exponent: 2), Currency(code: "USD", exponent: 2), Currency(code: "TND", exponent: 3), Currency(code: "JPY", exponent: 0)][i % 4]
                let minor = Int64.random(in: 1...5_000_000_000, using: &generator) + Int64(i) * 10_000_000_000
                let rate = ExchangeRate(numerator: Int64.random(in: 1...1_000_000, using: &generator), denominator: Int64.random(in: 1...10_000, using: &generator))
                guard let xof = rate.xof(Money(minor: minor, currency: currency)) else { continue }
                expected[minor] = xof
                try await insert("'other', \(minor), '\(currency.code)', \(currency.exponent), \(rate.numerator), \(rate.denominator), 'state', NULL")
            }
            let rows = try await pool.query("SELECT amount_minor, amount_xof FROM cost_line")
            var compared = 0
            for row in rows {
                let minor: Int64 = try row.decode("amount_minor"), xof: Int64 = try row.decode("amount_xof")
                #expect(expected[minor] == xof, "\(minor)")
                compared += 1
            }
            #expect(compared == expected.count && compared > 150)
        }
    }
}
