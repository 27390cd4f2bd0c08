import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import KalanPrint
import NIOPosix

/// `/sessions/CODE/sign-in-sheet.pdf[?day=]`: the printed sign-in sheet, from the roster and the
/// attendance pages.
struct SignInSheetPage: Sendable {
    let repository: any KalanRepository
    let publicURL: String

    func show(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        var day: Day?
        if let text = request.formQuery.get("day"), !text.isEmpty {
            guard let parsed = Day(text) else { throw KalanError.invalid(field: "day", problem: .format(.date)) }
            day = parsed
        }
        let content = try await SignInSheets(repository: repository).content(sessionCode: code, day: day, actor: actor)
        let pdf = try await Self.render(content, language: page.language, publicURL: publicURL)
        let name = Messages.text("room.sheet.file_name", page.language, ["code": content.session.code]) + (day.map { "-\($0)" } ?? "")
        let ascii = String(name.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") ? Character($0) : "_" })
        return Response(
            status: .ok,
            headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(ascii).pdf\"", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: .init(bytes: pdf)))
    }

    /// Off the cooperative pool: cairo works synchronously, under the one rendering lock.
    static func render(_ content: SignInSheetContent, language: Language, publicURL: String) async throws -> Data {
        try await NIOThreadPool.singleton.runIfActive { try SignInSheetRenderer().render(content, language: language, publicURL: publicURL) }
    }
}
