import Foundation
import KalanCore
import OpenAPIRuntime

/// Web sessions: login sets the session cookie, logout clears it.
extension KalanAPI {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(body.username, "username", min: 1, max: FieldLimits.username)
        try ContractLimits.text(body.password, "password", min: 1, max: FieldLimits.loginPassword)
        // Too many failures is a KalanError like the others: ProblemMiddleware answers 429 with Retry-After.
        let session = try await accounts.login(username: body.username, password: body.password, address: RequestPrincipal.address)
        let maxAge = Int(session.expiresAt.timeIntervalSince(clock.now()).rounded())
        let user = Components.Schemas.User(
            username: session.user.username, displayName: session.user.displayName, role: .init(session.user.role))
        return .ok(
            .init(
                headers: .init(setCookie: SessionCookie.set(secret: session.secret, maxAge: maxAge, secure: secureCookies)),
                body: .json(.init(user: user, expiresAt: session.expiresAt))))
    }

    /// The cookie's Origin is checked by `BearerAuthenticationMiddleware`, as for every cookie write.
    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        if let secret = RequestPrincipal.sessionSecret { try await accounts.logout(session: secret) }
        return .noContent(.init(headers: .init(setCookie: SessionCookie.clear(secure: secureCookies))))
    }
}
