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
    /// A staff member signed in with a code (issue 26), for the staff operations only.
    @TaskLocal static var staff: StaffMember?
}

/// Authenticates every operation but the public ones by a bearer token or, from a browser, by the
/// session cookie; 401 otherwise. A cookie-authenticated change from another origin is refused
/// (403), on top of the cookie's SameSite=Strict.
struct BearerAuthenticationMiddleware: ServerMiddleware {
    let accounts: Accounts
    /// Staff sessions (issue 26): the staff operations authenticate by the `kalan_staff` cookie alone.
    var staffSignIn: StaffSignIn? = nil
    static let publicOperations: Set<String> = ["verifyCertificate", "verifyCredential", "login", "logout", "requestStaffCode", "staffSignIn"]
    /// A staff member's own operations: a staff session, never an account's token or session.
    static let staffOperations: Set<String> = ["listMyTrainings", "evaluateMyTraining"]

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
            if Self.staffOperations.contains(operationID) {
                let secret = StaffCookie.value(in: request.headerFields[.cookie])
                if secret != nil, request.method != .get, request.method != .head, !request.isSameOrigin { return Self.originRefused(language) }
                guard let secret, let found = try await staffSignIn?.authenticate(session: secret) else { return Self.unauthorized(language) }
                return try await RequestPrincipal.$staff.withValue(found.member) { try await next(request, body, metadata) }
            }
            let header = request.headerFields[.authorization] ?? ""
            let token = header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
            if token.isEmpty, cookie != nil {
                if request.method != .get, request.method != .head, !request.isSameOrigin { return Self.originRefused(language) }
            }
            let user: User? =
                if !token.isEmpty { try await accounts.authenticate(token: token) } else if let cookie { try await accounts.authenticate(session: cookie)?.user } else { nil }
            guard let user else { return Self.unauthorized(language) }
            return try await RequestPrincipal.$actor.withValue(user.actor) {
                try await RequestPrincipal.$user.withValue(user) { try await next(request, body, metadata) }
            }
        }
    }
}

extension BearerAuthenticationMiddleware {
    static func unauthorized(_ language: Language) -> (HTTPResponse, HTTPBody?) {
        ProblemResponse.make(
            Problem(
                type: "/problems/unauthorized", title: Messages.text("api.unauthorized", language), status: 401,
                detail: Messages.text("api.unauthorized_detail", language)),
            extra: [.wwwAuthenticate: "Bearer"])
    }

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
