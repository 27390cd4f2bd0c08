import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Who is calling and in which language, for the handlers of the current request.
enum RequestPrincipal {
    @TaskLocal static var actor: Actor?
    @TaskLocal static var language: Language = .fr
}

/// Authenticates bearer tokens for every operation but the public ones; 401 otherwise.
struct BearerAuthenticationMiddleware: ServerMiddleware {
    let accounts: Accounts
    static let publicOperations: Set<String> = ["verifyCertificate"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let language = Language(acceptLanguage: request.headerFields[.acceptLanguage])
        return try await RequestPrincipal.$language.withValue(language) {
            if Self.publicOperations.contains(operationID) { return try await next(request, body, metadata) }
            let header = request.headerFields[.authorization] ?? ""
            let token = header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
            guard !token.isEmpty, let user = try await accounts.authenticate(token: token) else {
                let fr = language == .fr
                return ProblemResponse.make(
                    Problem(
                        type: "/problems/unauthorized", title: fr ? "Authentification requise" : "Authentication required", status: 401,
                        detail: fr ? "Envoyez un jeton d'API : Authorization: Bearer …" : "Send an API token: Authorization: Bearer …"),
                    extra: [.wwwAuthenticate: "Bearer"])
            }
            return try await RequestPrincipal.$actor.withValue(user.actor) { try await next(request, body, metadata) }
        }
    }
}

/// A problem as a raw OpenAPI response, for middleware that answers before any handler.
enum ProblemResponse {
    static func make(_ problem: Problem, extra: HTTPFields = [:]) -> (HTTPResponse, HTTPBody?) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(problem)) ?? Data()
        var fields = extra
        fields[.contentType] = Problem.mediaType
        return (HTTPResponse(status: .init(code: problem.status), headerFields: fields), HTTPBody(data))
    }
}
