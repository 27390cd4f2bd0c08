import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Who is calling and in which language, for the handlers of the current request.
enum RequestPrincipal {
    @TaskLocal static var actor: Actor?
    /// The account the request authenticated as, as read with its token or session (no second read).
    @TaskLocal static var user: User?
    @TaskLocal static var language: Language = .fr
    /// The client's address, for rate limiting logins.
    @TaskLocal static var address = "unknown"
    /// The web session secret of the request's cookie, if any.
    @TaskLocal static var sessionSecret: String?
}

/// Authenticates every operation but the public ones by a bearer token or, from a browser, by the
/// session cookie; 401 otherwise. A cookie-authenticated change from another origin is refused
/// (403), on top of the cookie's SameSite=Strict.
struct BearerAuthenticationMiddleware: ServerMiddleware {
    let accounts: Accounts
    static let publicOperations: Set<String> = ["verifyCertificate", "verifyCredential", "login", "logout"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let language = Language(acceptLanguage: request.headerFields[.acceptLanguage])
        return try await RequestPrincipal.$language.withValue(language) {
            let cookie = SessionCookie.value(in: request.headerFields[.cookie])
            if Self.publicOperations.contains(operationID) {
                // Logging out changes the cookie's session: from another site, refused like every cookie write.
                if operationID == "logout", cookie != nil, !request.isSameOrigin { return Self.originRefused(language) }
                return try await RequestPrincipal.$sessionSecret.withValue(cookie) { try await next(request, body, metadata) }
            }
            let header = request.headerFields[.authorization] ?? ""
            let token = header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
            if token.isEmpty, cookie != nil {
                if request.method != .get, request.method != .head, !request.isSameOrigin { return Self.originRefused(language) }
            }
            let user: User? =
                if !token.isEmpty { try await accounts.authenticate(token: token) } else if let cookie { try await accounts.authenticate(session: cookie)?.user } else { nil }
            guard let user else {
                return ProblemResponse.make(
                    Problem(
                        type: "/problems/unauthorized", title: Messages.text("api.unauthorized", language), status: 401,
                        detail: Messages.text("api.unauthorized_detail", language)),
                    extra: [.wwwAuthenticate: "Bearer"])
            }
            return try await RequestPrincipal.$actor.withValue(user.actor) {
                try await RequestPrincipal.$user.withValue(user) { try await next(request, body, metadata) }
            }
        }
    }
}

extension BearerAuthenticationMiddleware {
    static func originRefused(_ language: Language) -> (HTTPResponse, HTTPBody?) {
        ProblemResponse.make(
            Problem(
                type: "/problems/forbidden", title: Messages.text("api.origin_refused", language), status: 403,
                detail: Messages.text("api.origin_refused_detail", language)))
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
