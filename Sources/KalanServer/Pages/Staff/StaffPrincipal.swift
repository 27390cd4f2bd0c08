import Foundation
import Hummingbird
import KalanCore

/// The staff member a `/me` page is shown to, found once per request by `StaffAuthenticator`.
/// Only the staff member's routes read it: every other page sees nobody for a staff cookie.
enum StaffPrincipal {
    struct Visitor: Sendable {
        let member: StaffMember
        let csrf: String
    }

    @TaskLocal static var visitor: Visitor?
}

/// The staff routes' authenticator: the staff cookie, checked once.
struct StaffAuthenticator<Context: RequestContext>: RouterMiddleware {
    let signIn: StaffSignIn

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var visitor: StaffPrincipal.Visitor?
        if let secret = StaffCookie.value(in: request.headers[.cookie]), let found = try await signIn.authenticate(session: secret) {
            visitor = StaffPrincipal.Visitor(member: found.member, csrf: found.csrfToken)
        }
        return try await StaffPrincipal.$visitor.withValue(visitor) { try await next(request, context) }
    }
}

extension PageRequest {
    /// A staff page's request: the reader's language and the staff member signed in, if any (no account).
    init(staff request: Request) {
        let visitor = StaffPrincipal.visitor
        self.init(request: request, language: request.language, user: nil, csrf: visitor?.csrf ?? "", staff: visitor?.member)
    }

    /// The staff member signed in, or the sign-in page.
    func requireStaff() throws -> StaffMember {
        guard let staff else { throw StaffPageError.signInRequired }
        return staff
    }

    /// A staff member's form: same origin and carrying their session's token.
    func staffForm(upTo limit: Int = 64 * 1024) async throws -> URLEncodedForm {
        guard request.head.isSameOrigin else { throw PageError.foreignForm }
        let data = try await request.body.collect(upTo: limit)
        let fields = URLEncodedForm(String(buffer: data))
        guard staff != nil else { throw StaffPageError.signInRequired }
        guard let token = fields["csrf"], !csrf.isEmpty, token == csrf else { throw PageError.foreignForm }
        return fields
    }
}

/// Nobody signed in on a staff page: the staff sign-in page.
enum StaffPageError: Error {
    case signInRequired
}

/// Sends the staff pages' "sign in first" to the staff sign-in page (the other errors go on to `PageErrorMiddleware`).
struct StaffPageErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch StaffPageError.signInRequired {
            return Response(status: .seeOther, headers: [.location: "/me/sign-in?lang=\(request.language.rawValue)"])
        }
    }
}
