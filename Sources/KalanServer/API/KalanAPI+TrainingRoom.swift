import Foundation
import KalanCore
import KalanPrint
import OpenAPIRuntime

/// The training room's printed sign-in sheet: the same use case and renderer as the pages and the CLI.
extension KalanAPI {
    func getSignInSheet(_ input: Operations.GetSignInSheet.Input) async throws -> Operations.GetSignInSheet.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let day = try input.query.day.map { try Validate.day($0, field: "day") }
        let lang = input.query.lang.flatMap { Language(rawValue: $0.rawValue) } ?? language
        let content = try await SignInSheets(repository: repository).content(sessionCode: input.path.code, day: day, actor: actor)
        let pdf = try await SignInSheetPage.render(content, language: lang, publicURL: publicURL)
        return .ok(.init(body: .pdf(HTTPBody(pdf))))
    }

    /// The public address certificates carry (the one the issuing use case was given).
    var publicURL: String { String(issuing.verificationURL(serial: "").dropLast("/verify/".count)) }

    func listAttendanceScans(_ input: Operations.ListAttendanceScans.Input) async throws -> Operations.ListAttendanceScans.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let day = try Validate.day(input.path.day, field: "day")
        let found = try await AttendanceScans(repository: repository, clock: clock).scans(sessionCode: input.path.code, day: day, actor: actor)
        return .ok(.init(body: .json(found.map(Self.schema))))
    }

    func addAttendanceScan(_ input: Operations.AddAttendanceScan.Input) async throws -> Operations.AddAttendanceScan.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(input.headers.xFileName, "X-File-Name", max: 200)
        let day = try Validate.day(input.path.day, field: "day")
        let body: HTTPBody =
            switch input.body {
            case .binary(let body), .pdf(let body), .jpeg(let body), .png(let body): body
            }
        let content: Data
        do {
            content = try await Data(collecting: body, upTo: AttendanceScans.maxBytes)
        } catch {
            throw KalanError.tooLarge(maxBytes: AttendanceScans.maxBytes)
        }
        let done = try await AttendanceScans(repository: repository, clock: clock).upload(
            sessionCode: input.path.code, day: day, fileName: input.headers.xFileName, content: content, actor: actor)
        return done.added ? .created(.init(body: .json(Self.schema(done.scan)))) : .ok(.init(body: .json(Self.schema(done.scan))))
    }

    static func schema(_ scan: AttendanceScan) -> Components.Schemas.AttendanceScan {
        .init(
            id: scan.id.uuidString.lowercased(), session: scan.sessionCode, day: scan.day.description,
            mediaType: .init(rawValue: scan.mediaType.rawValue) ?? .applicationPdf, fileName: scan.fileName, bytes: scan.size, sha256: scan.sha256,
            uploadedBy: scan.uploadedBy, uploadedAt: scan.uploadedAt)
    }
}
