import ArgumentParser
import Foundation
import KalanCore

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
                let report = try await CohortStatistics(repository: ctx.repository).cohorts(query, actor: ctx.actor)
                if output.format == .json {
                    ctx.print(try Self.json(report))
                } else {
                    ctx.print(Self.listing(report, fr: ctx.fr, missing: output.format == .csv ? "" : "–").render(output.format))
                }
            }
        }

        static func json(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }

        /// `missing` stands for a rate or mean with nothing to divide by.
        static func listing(_ report: CohortReport, fr: Bool, missing: String) -> Listing {
            let columns =
                report.dimensions.map(\.rawValue)
                + (fr
                    ? ["inscriptions", "agents", "femmes %", "réussis", "échoués", "retirés", "achèvement %", "réussite %", "assiduité %", "pré", "post",
                        "gain", "certificats", "révoqués"]
                    : ["enrolments", "staff", "women %", "completed", "failed", "withdrawn", "completion %", "pass %", "attendance %", "pre", "post", "gain",
                        "certificates", "revoked"])
            func cells(_ f: CohortFigures) -> [String] {
                func percent(_ value: Double?) -> String { value.map { String(format: "%.1f", $0 * 100) } ?? missing }
                func score(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? missing }
                return [
                    "\(f.enrolments)", "\(f.trainees)", percent(f.womenShare), "\(f.statuses["completed"] ?? 0)", "\(f.statuses["failed"] ?? 0)",
                    "\(f.statuses["withdrawn"] ?? 0)", percent(f.completionRate), percent(f.passRate), percent(f.attendanceRate), score(f.meanPreScore),
                    score(f.meanPostScore), score(f.meanGain), "\(f.certificatesIssued)", "\(f.certificatesRevoked)",
                ]
            }
            let total = (report.dimensions.isEmpty ? [] : ["Total"] + Array(repeating: "", count: report.dimensions.count - 1)) + cells(report.total)
            return Listing(columns: columns, rows: report.groups.map { $0.group + cells($0) } + [total])
        }
    }

    struct Programmes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each programme against its target: staff trained (completed a course of it).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let programmes = try await CohortStatistics(repository: ctx.repository).programmeProgress(actor: ctx.actor)
                if output.format == .json {
                    ctx.print(try Cohorts.json(programmes))
                    return
                }
                let columns = ctx.fr ? ["programme", "nom", "du", "au", "cible", "formés", "inscrits", "avancement %"] : ["programme", "name", "from", "to", "target", "trained", "enrolled", "progress %"]
                ctx.print(
                    Listing(
                        columns: columns,
                        rows: programmes.map {
                            [$0.code, ctx.fr ? $0.nameFR : $0.nameEN, "\($0.startsOn)", "\($0.endsOn)", "\($0.target)", "\($0.trained)", "\($0.enrolled)",
                             $0.progress.map { String(format: "%.1f", $0 * 100) } ?? (output.format == .csv ? "" : "–")]
                        }
                    ).render(output.format))
            }
        }
    }
}
