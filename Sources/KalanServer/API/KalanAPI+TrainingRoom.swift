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
}
