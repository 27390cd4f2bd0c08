import ArgumentParser
import Foundation
import KalanCore

/// `kalan costs`: what a session costs and who pays; the money per participant, completion and certificate.
struct CostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "costs", abstract: "A session's cost lines (amount, currency, rate, payer) and the money statistics.",
        subcommands: [Add.self, List.self, Remove.self, Stats.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a cost line of a session.",
            discussion: """
                Amounts are read exactly in the currency's unit (1250.50 EUR is 125050 cents; XOF has no decimals). The rate is
                CFA francs for one unit of the currency (655.957 for EUR, or a fraction such as 1/600); the CFA amount is
                computed in integers, rounded half up.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's code.") var session: String
        @Option(help: "tuition, travel, allowances, lodging, venue or other.") var kind: String
        @Option(help: "The amount, e.g. 1250.50.") var amount: String
        @Option(help: "ISO 4217 code (XOF by default).") var currency = "XOF"
        @Option(help: "CFA francs for one unit of the currency, e.g. 655.957 (not for XOF).") var rate: String?
        @Option(help: "partner, state or other.") var payer: String
        @Option(help: "The paying partner's code (the session's partner by default).") var partner: String?
        @Option(help: "The other funder's name (payer other).") var funder: String?
        @Option(help: "What it is for.") var description: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let line = try await SessionCosts(repository: ctx.repository).add(
                    CostLineInput(
                        sessionCode: session, kind: kind, description: description, amount: amount, currency: currency, rate: rate, payer: payer,
                        payerPartner: partner, payerName: funder), actor: ctx.actor)
                ctx.say(
                    "cli.costs.added",
                    [
                        "amount": line.amount.text(ctx.language), "currency": line.amount.currency.code, "xof": Money.group(line.xof, exponent: 0, ctx.language),
                        "session": line.sessionCode, "id": line.id.uuidString.lowercased(),
                    ])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A session's cost lines, with the total in CFA francs.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The session's code.") var session: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let sheet = try await SessionCosts(repository: ctx.repository).sheet(sessionCode: session, actor: ctx.actor)
                let table = output.format == .table
                ctx.print(
                    Listing(
                        columns: ["id", "kind", "amount", "currency", "rate", Column("xof", key: "amountXOF"), "payer", "funder", "description"],
                        cells: sheet.lines.map {
                            [
                                .text($0.id.uuidString.lowercased()), .text($0.kind.rawValue), .text(table ? $0.amount.text(ctx.language) : $0.amount.plain),
                                .text($0.amount.currency.code), .text($0.rate.plain), table ? .text(Money.group($0.xof, exponent: 0, ctx.language)) : .int(Int($0.xof)),
                                .text($0.payer.rawValue), .optional($0.payer == .state ? nil : $0.payerName), .optional($0.description),
                            ]
                        }
                    ).render(output.format))
                if table {
                    ctx.say(
                        "cli.costs.total",
                        ["xof": Money.group(sheet.totalXOF, exponent: 0, ctx.language), "participants": "\(sheet.counts.participants)", "session": sheet.session.code])
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a cost line typed wrongly (its id from `kalan costs list`).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's code.") var session: String
        @Argument(help: "The line's id.") var id: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                guard let lineID = UUID(uuidString: id) else { throw KalanError.invalid(field: "line", problem: .format(.identifier)) }
                try await SessionCosts(repository: ctx.repository).remove(sessionCode: session, lineID: lineID, actor: ctx.actor)
                ctx.say("cli.costs.removed", ["session": session.uppercased()])
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Money per participant, completion and certificate, grouped by funder, partner, programme, domain or year.",
            discussion: "Only sessions with cost lines count; amounts in CFA francs (XOF). Same filters as `kalan stats cohorts`.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "funder, partner, programme, domain or year.") var by: String?
        @Option(help: "Sessions starting on or after YYYY-MM-DD.") var from: String?
        @Option(help: "Sessions starting on or before YYYY-MM-DD.") var to: String?
        @Option var course: String?
        @Option var partner: String?
        @Option var programme: String?
        @Option var department: String?
        @Option var domain: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let dimension = try by.map { try Validate.choice($0, as: MoneyDimension.self, field: "by") }
                let filters = CohortQuery(
                    from: try from.map { try Validate.day($0, field: "from") }, to: try to.map { try Validate.day($0, field: "to") }, courseCode: course,
                    partnerCode: partner, programmeCode: programme, departmentCode: department, domain: domain)
                let report = try await SessionCosts(repository: ctx.repository).money(MoneyQuery(by: dimension, filters: filters), actor: ctx.actor)
                if output.format == .json {
                    ctx.print(try StatisticsCommand.Cohorts.json(report))
                    return
                }
                func int(_ value: Int64?) -> Cell { value.map { .int(Int($0)) } ?? (output.format == .table ? .text("–") : .null) }
                let rows = (report.groups + [report.total]).map { f -> [Cell] in
                    [
                        .text(f.group.isEmpty && f == report.total ? "total" : f.group), .int(f.sessions), .int(Int(f.costXOF)), .int(f.participants),
                        int(f.perParticipant), .int(f.completions), int(f.perCompletion), .int(f.certificates), int(f.perCertificate),
                    ]
                }
                ctx.print(
                    Listing(
                        columns: [
                            "group", "sessions", Column("cost_xof", key: "costXOF"), "participants", "per_participant", "completions", "per_completion",
                            "certificates", "per_certificate",
                        ], cells: rows
                    ).render(output.format))
            }
        }
    }
}
