import Hummingbird
import KalanCore

/// The person a page is shown to, found once per request by `PageAuthenticator`: every handler,
/// the pages' error middleware and the not-found page read it here instead of reading the
/// session cookie again.
enum PagePrincipal {
    struct Visitor: Sendable {
        let user: User
        let csrf: String
    }

    @TaskLocal static var visitor: Visitor?
    /// Why the session could not be checked (the database gone): the error middleware answers it.
    @TaskLocal static var failure: (any Error)?
}

/// The pages' one authenticator: the session cookie, checked once, puts the signed-in person (or
/// nobody) in `PagePrincipal` for the rest of the request.
struct PageAuthenticator<Context: RequestContext>: RouterMiddleware {
    let accounts: Accounts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let visitor: PagePrincipal.Visitor?
        do {
            visitor = try await Self.visitor(of: request, accounts: accounts)
        } catch {
            return try await PagePrincipal.$failure.withValue(error) { try await next(request, context) }
        }
        return try await PagePrincipal.$visitor.withValue(visitor) { try await next(request, context) }
    }

    /// The person the request's session cookie belongs to, if any.
    static func visitor(of request: Request, accounts: Accounts) async throws -> PagePrincipal.Visitor? {
        guard let secret = SessionCookie.value(in: request.headers[.cookie]), let found = try await accounts.authenticate(session: secret) else { return nil }
        return PagePrincipal.Visitor(user: found.user, csrf: found.csrfToken)
    }
}

extension PageRequest {
    /// The page request: the reader's language and the person the authenticator found.
    init(_ request: Request) {
        let visitor = PagePrincipal.visitor
        self.init(request: request, language: request.language, user: visitor?.user, csrf: visitor?.csrf ?? "")
    }
}
