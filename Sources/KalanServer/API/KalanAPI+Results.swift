import Foundation
import KalanCore
import OpenAPIRuntime

/// Attendance sheets and closing results (rule 4): the same use cases as the CLI and the pages.
extension KalanAPI {
    func getAttendanceSheet(_ input: Operations.GetAttendanceSheet.Input) async throws -> Operations.GetAttendanceSheet.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let day = try Validate.day(input.query.day, field: "day")
        let sheet = try await ResultsRecording(repository: repository).attendanceSheet(sessionCode: input.path.code, day: day, actor: actor)
        return .ok(.init(headers: .init(eTag: Self.etag(sheetVersion: sheet.version)), body: .json(Self.schema(sheet))))
    }

    func previewResults(_ input: Operations.PreviewResults.Input) async throws -> Operations.PreviewResults.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let closed = try await ResultsRecording(repository: repository).closingPreview(sessionCode: input.path.code, actor: actor)
        return .ok(.init(body: .json(Self.schema(closed, language: language))))
    }

    func closeResults(_ input: Operations.CloseResults.Input) async throws -> Operations.CloseResults.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let closed = try await ResultsRecording(repository: repository).closeResults(sessionCode: input.path.code, actor: actor)
        return .ok(.init(body: .json(Self.schema(closed, language: language))))
    }

    func reopenResults(_ input: Operations.ReopenResults.Input) async throws -> Operations.ReopenResults.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(body.reason, "reason", min: 1, max: 500)
        let reopened = try await ResultsRecording(repository: repository).reopenResults(sessionCode: input.path.code, reason: body.reason, actor: actor)
        return .ok(
            .init(
                body: .json(
                    .init(
                        session: reopened.sessionCode, reason: reopened.reason,
                        lines: reopened.lines.map {
                            .init(
                                staffNumber: $0.staffNumber, name: $0.fullName, previousStatus: $0.previousStatus == .completed ? .completed : .failed,
                                certificate: $0.certificate)
                        }))))
    }

    /// The sheet's version as an entity tag, and back (weak or strong, quoted).
    static func etag(sheetVersion: String) -> String { "\"\(sheetVersion)\"" }

    static func sheetVersion(fromETag value: String) -> String? {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
        return String(text.dropFirst().dropLast())
    }

    static func schema(_ sheet: AttendanceSheet) -> Components.Schemas.AttendanceSheet {
        .init(
            session: sheet.session.code, day: "\(sheet.day)", version: sheet.version, unmarkedDays: sheet.unmarkedDays.map(\.description),
            lines: sheet.lines.map {
                .init(
                    staffNumber: $0.staffNumber, name: $0.fullName, enrolmentStatus: .init(rawValue: $0.enrolmentStatus.rawValue) ?? .enrolled,
                    status: $0.status.flatMap { .init(rawValue: $0.rawValue) }, closed: $0.closed)
            })
    }

    static func schema(_ closed: ClosedResults, language: Language) -> Components.Schemas.ClosedResults {
        .init(
            session: closed.sessionCode, passMark: closed.passMark, minAttendance: closed.minAttendance,
            lines: closed.lines.map { line in
                .init(
                    staffNumber: line.staffNumber, name: line.fullName, outcome: line.outcome == .completed ? .completed : .failed,
                    attendanceRate: line.attendanceRate, postScore: line.postScore, shortfalls: line.shortfalls.map { schema($0, language: language) },
                    closedNow: line.closedNow, revokedCertificate: line.revokedCertificate)
            })
    }

    static func schema(_ shortfall: CompletionRule.Shortfall, language: Language) -> Components.Schemas.Shortfall {
        let message = shortfall.message(in: language)
        return switch shortfall {
        case .postScoreBelowPassMark(let score, let passMark): .init(kind: .postScoreBelowPassMark, value: score, threshold: passMark, message: message)
        case .attendanceBelowMinimum(let rate, let minimum): .init(kind: .attendanceBelowMinimum, value: rate, threshold: minimum, message: message)
        case .noPostScore: .init(kind: .noPostScore, message: message)
        }
    }
}
