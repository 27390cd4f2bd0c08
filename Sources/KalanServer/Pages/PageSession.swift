import Hummingbird
import KalanCore

extension Accounts {
    /// The signed-in user of a page request, by the session cookie, and the token its forms carry.
    func signedIn(_ request: Request) async throws -> (user: User, csrf: String)? {
        guard let secret = SessionCookie.value(in: request.headers[.cookie]), let found = try await authenticate(session: secret) else { return nil }
        return (found.user, found.csrfToken)
    }
}
