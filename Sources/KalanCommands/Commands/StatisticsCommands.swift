import ArgumentParser
import Foundation
import KalanCore
import KalanFiles
import KalanStore
import Logging

/// `kalan stats`: cohort figures and programme progress, as tables, CSV or JSON.
struct StatisticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Cohort statistics and progress against programme targets.", subcommands: [Cohorts.self, Programmes.self])

    struct Cohorts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrolments grouped by up to three dimensions, with the total.",
            discussion: """
                Dimensions: \(CohortDimension.allCases.map { $0.rawValue }.joined(separator: ", ")). Periods come from the session's start date.
                Completion rate = completed ÷ given a seat; pass rate = completed ÷ (completed + failed);
                attendance rate = present days ÷ (present + absent days); gain = mean of post − pre score.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Comma-separated dimensions, e.g. course,sex.") var by = ""
        @Option(help: "Sessions starting on or after YYYY-MM-DD.") var from: String?
        @Option(help: "Sessions starting on or before YYYY-MM-DD.") var to: String?
        @Option var course: String?
        @Option var partner: String?
        @Option var programme: String?
        @Option var department: String?
        @Option var domain: String?
        @Option(help: "Write an Excel workbook (.xlsx) to this file instead of printing.") var xlsx: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                var dimensions: [CohortDimension] = []
                for name in by.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
                    guard let dimension = CohortDimension(rawValue: name) else {
                        throw KalanError.invalid(field: "by", problem: .oneOf(CohortDimension.allCases.map(\.rawValue)))
                    }
                    dimensions.append(dimension)
                }
                let query = CohortQuery(
                    by: dimensions, from: try from.map { try Validate.day($0, field: "from") }, to: try to.map { try Validate.day($0, field: "to") },
                    courseCode: course, partnerCode: partner, programmeCode: programme, departmentCode: department, domain: domain)
                let repository = ctx.indexedRepository
                let report = try await CohortStatistics(repository: repository).cohorts(query, actor: ctx.actor)
                if let xlsx {
                    let sheet = XLSXWorkbook.Sheet(name: ctx.t("cli.statistics.sheet"), rows: CohortTable.rows(report, language: ctx.language))
                    try XLSXWorkbook(sheets: [sheet]).data().write(to: URL(fileURLWithPath: xlsx))
                    ctx.say("cli.statistics.workbook", ["xlsx": "\(xlsx)"])
                } else if output.format == .json {
                    ctx.print(try Self.json(report))
                } else {
                    ctx.print(Self.listing(report, language: ctx.language, missing: output.format == .csv ? "" : "–").render(output.format))
                }
                await ctx.saveCohortIndex(repository)
            }
        }

        static func json(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }

        static func listing(_ report: CohortReport, language: Language, missing: String) -> Listing {
            let rows = CohortTable.rows(report, language: language).map { $0.map { CohortTable.text($0, missing: missing) } }
            return Listing(columns: rows[0], rows: Array(rows.dropFirst()))
        }
    }

    struct Programmes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each programme against its target: staff trained (completed a course of it).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let repository = ctx.indexedRepository
                let programmes = try await CohortStatistics(repository: repository).programmeProgress(actor: ctx.actor)
                if output.format == .json {
                    ctx.print(try Cohorts.json(programmes))
                    await ctx.saveCohortIndex(repository)
                    return
                }
                let headings =
                    ["programme", "name", "from", "to", "target", "trained", "enrolled", "progress"].map { ctx.t("cli.statistics.programme.\($0)") }
                let keys = ["code", "name", "startsOn", "endsOn", "target", "trained", "enrolled", "progress"]
                let columns = zip(headings, keys).map { Column($0, key: $1) }
                ctx.print(
                    Listing(
                        columns: columns,
                        cells: programmes.map {
                            [
                                .text($0.code), .text(ctx.language == .fr ? $0.nameFR : $0.nameEN), .text("\($0.startsOn)"), .text("\($0.endsOn)"), .int($0.target), .int($0.trained),
                                .int($0.enrolled), $0.progress.map { .number($0 * 100, digits: 1) } ?? (output.format == .table ? .text("–") : .null),
                            ]
                        }
                    ).render(output.format))
                await ctx.saveCohortIndex(repository)
            }
        }
    }
}

extension CommandContext {
    /// The server's figures, read the server's way and tallied as `kalan serve` tallies: the cohort
    /// index starts from the image the last run saved and reads the staff members changed since
    /// (under a second at a million enrolments); without a usable image, every enrolment's facts
    /// (about 3.5 s), and the image is saved for the next run (CohortSaved.swift).
    var indexedRepository: PostgresRepository { PostgresRepository(pool: runtime.pool, cohortIndex: CohortIndex(startsFromSaved: true)) }

    /// Saves the index's image for the next run when that is worth it, after the answer was given;
    /// a database that refuses the write (a standby) only costs the next run a whole load.
    func saveCohortIndex(_ repository: PostgresRepository) async {
        do {
            try await repository.saveCohortIndexIfUseful()
        } catch {
            logger.debug("cohort index not saved", metadata: ["reason": "\(Self.message(for: error, in: language))"])
        }
    }
}
