import Foundation
import KalanCore
import OpenAPIRuntime

/// Cohort statistics and programme progress, computed by the same use case as `kalan stats`.
extension KalanAPI {
    func getCohortStatistics(_ input: Operations.GetCohortStatistics.Input) async throws -> Operations.GetCohortStatistics.Output {
        let q = input.query
        for (value, field) in [(q.course, "course"), (q.partner, "partner"), (q.programme, "programme"), (q.department, "department"), (q.domain, "domain")] {
            try ContractLimits.text(value, field, max: 32)
        }
        let query = CohortQuery(
            by: (q.by ?? []).compactMap { CohortDimension(rawValue: $0.rawValue) }, from: try q.from.map { try Validate.day($0, field: "from") },
            to: try q.to.map { try Validate.day($0, field: "to") },
            courseCode: q.course, partnerCode: q.partner, programmeCode: q.programme, departmentCode: q.department, domain: q.domain)
        let report = try await CohortStatistics(repository: readRepository).cohorts(query, actor: actor)
        // Written straight to JSON when the server asks for it (DirectJSON.swift): 5,000 groups took
        // Foundation's encoder longer than the tally.
        if DirectJSON.answer({ Self.write(report, to: &$0) }) {
            return .ok(.init(body: .json(.init(dimensions: [], groups: [], total: Self.schema(report.total)))))
        }
        return .ok(.init(body: .json(Self.schema(report))))
    }

    static func schema(_ report: CohortReport) -> Operations.GetCohortStatistics.Output.Ok.Body.JsonPayload {
        .init(dimensions: report.dimensions.map(\.rawValue), groups: report.groups.map(Self.schema), total: Self.schema(report.total))
    }

    /// The same members as `schema(_:)`, in the schema's order.
    static func write(_ report: CohortReport, to json: inout DirectJSON.Writer) {
        json.object { json in
            json.member("dimensions", report.dimensions.map(\.rawValue))
            json.key("groups")
            json.array(report.groups) { Self.write($1, to: &$0) }
            json.key("total")
            Self.write(report.total, to: &json)
        }
    }

    func getProgrammeProgress(_ input: Operations.GetProgrammeProgress.Input) async throws -> Operations.GetProgrammeProgress.Output {
        let programmes = try await CohortStatistics(repository: readRepository).programmeProgress(actor: actor)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: programmes.map {
                            .init(
                                code: $0.code, name: language == .fr ? $0.nameFR : $0.nameEN, startsOn: "\($0.startsOn)", endsOn: "\($0.endsOn)", target: $0.target,
                                trained: $0.trained, enrolled: $0.enrolled, progress: $0.progress)
                        }))))
    }

    /// The same members as `schema(_:)`, in the schema's order.
    static func write(_ f: CohortFigures, to json: inout DirectJSON.Writer) {
        json.object { json in
            json.member("group", f.group)
            json.member("enrolments", f.enrolments)
            json.key("statuses")
            json.object { json in
                json.member("nominated", f.count(.nominated))
                json.member("approved", f.count(.approved))
                json.member("enrolled", f.count(.enrolled))
                json.member("waitlisted", f.count(.waitlisted))
                json.member("completed", f.count(.completed))
                json.member("failed", f.count(.failed))
                json.member("withdrawn", f.count(.withdrawn))
                json.member("rejected", f.count(.rejected))
                json.member("no_show", f.count(.noShow))
            }
            json.member("trainees", f.trainees)
            json.member("women", f.women)
            json.member("presentDays", f.presentDays)
            json.member("markedDays", f.markedDays)
            json.member("meanPreScore", f.meanPreScore)
            json.member("meanPostScore", f.meanPostScore)
            json.member("meanGain", f.meanGain)
            json.member("certificatesIssued", f.certificatesIssued)
            json.member("certificatesRevoked", f.certificatesRevoked)
            json.member("admitted", f.admitted)
            json.member("completionRate", f.completionRate)
            json.member("passRate", f.passRate)
            json.member("attendanceRate", f.attendanceRate)
            json.member("womenShare", f.womenShare)
        }
    }

    static func schema(_ f: CohortFigures) -> Components.Schemas.CohortFigures {
        .init(
            group: f.group, enrolments: f.enrolments,
            statuses: .init(
                nominated: f.count(.nominated), approved: f.count(.approved), enrolled: f.count(.enrolled), waitlisted: f.count(.waitlisted),
                completed: f.count(.completed), failed: f.count(.failed), withdrawn: f.count(.withdrawn), rejected: f.count(.rejected), noShow: f.count(.noShow)),
            trainees: f.trainees, women: f.women,
            presentDays: f.presentDays, markedDays: f.markedDays, meanPreScore: f.meanPreScore, meanPostScore: f.meanPostScore, meanGain: f.meanGain,
            certificatesIssued: f.certificatesIssued, certificatesRevoked: f.certificatesRevoked, admitted: f.admitted, completionRate: f.completionRate,
            passRate: f.passRate, attendanceRate: f.attendanceRate, womenShare: f.womenShare)
    }
}
