import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The browser's way in: a login form, a home page for the signed-in account, and logout. The
/// session itself is the same hashed secret as an API token, carried by the session cookie.
struct SessionPages: Sendable {
    let accounts: Accounts
    let secureCookies: Bool

    func addRoutes(to router: Router<KalanRequestContext>) {
        router.get("") { request, _ in try await home(request) }
        router.get("login") { request, _ in form(request.language) }
        router.post("login") { request, context in try await login(request, address: context.clientAddress) }
        router.post("logout") { request, _ in try await logout(request) }
    }

    func home(_ request: Request) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (user, csrf) = try await accounts.signedIn(request) else {
            return HTML.toLogin(language)
        }
        let role: String =
            switch user.role {
            case .admin: fr ? "administrateur" : "administrator"
            case .hr: fr ? "ressources humaines" : "human resources"
            case .trainer: fr ? "formateur" : "trainer"
            case .viewer: fr ? "lecture (direction)" : "read-only (leadership)"
            }
        let body = """
            <div class="card">
            <h1>\(fr ? "Bonjour" : "Hello") \(HTML.escape(user.displayName))</h1>
            <p class="muted">\(HTML.escape(user.username)) · \(role)</p>
            <ul>
            \(user.role == .trainer ? "" : "<li><a href=\"/trainees?lang=\(language.rawValue)\">" + (fr ? "Registre du personnel" : "Staff register") + "</a></li>")
            <li><a href="/sessions?lang=\(language.rawValue)">\(fr ? "Sessions et feuilles de présence" : "Sessions and attendance sheets")</a></li>
            <li><a href="/statistics?lang=\(language.rawValue)">\(fr ? "Statistiques des cohortes" : "Cohort statistics")</a></li>
            <li><a href="/verify?lang=\(language.rawValue)">\(fr ? "Vérifier un certificat" : "Verify a certificate")</a></li>
            <li><a href="/api/v1/me">\(fr ? "L'API avec cette session" : "The API with this session") (/api/v1)</a> · <a href="/openapi.yaml">OpenAPI</a></li>
            </ul>
            <form method="post" action="/logout?lang=\(language.rawValue)"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))"><button type="submit">\(fr ? "Se déconnecter" : "Log out")</button></form>
            </div>
            """
        return HTML.page(title: fr ? "Accueil" : "Home", language: language, body: body)
    }

    func form(_ language: Language, message: String? = nil, username: String = "", status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let fr = language == .fr
        let alert = message.map { "<p class=\"verdict bad\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        let body = """
            <div class="card">
            <h1>\(fr ? "Connexion" : "Log in")</h1>
            \(alert)
            <form method="post" action="/login?lang=\(language.rawValue)">
            <label for="username">\(fr ? "Identifiant" : "Username")</label>
            <input id="username" name="username" autocomplete="username" required maxlength="64" value="\(HTML.escape(username))">
            <label for="password">\(fr ? "Mot de passe" : "Password")</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
            <button type="submit">\(fr ? "Se connecter" : "Log in")</button>
            </form>
            <p class="muted">\(fr ? "Vérifier un certificat ne demande aucun compte :" : "Checking a certificate needs no account:") <a href="/verify?lang=\(language.rawValue)">\(fr ? "vérification" : "verification")</a></p>
            </div>
            """
        var response = HTML.page(title: fr ? "Connexion" : "Log in", language: language, body: body, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    func login(_ request: Request, address: String) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard request.head.isSameOrigin else {
            return form(language, message: fr ? "Origine refusée." : "Origin refused.", status: .forbidden)
        }
        let data = try await request.body.collect(upTo: 16 * 1024)
        let fields = URLEncodedForm(String(buffer: data))
        let username = String((fields["username"] ?? "").prefix(64))
        let password = fields["password"] ?? ""
        guard !username.isEmpty else { return form(language, message: fr ? "Identifiant : obligatoire." : "Username: required.", status: .badRequest) }
        guard !password.isEmpty else {
            return form(language, message: fr ? "Mot de passe : obligatoire." : "Password: required.", username: username, status: .badRequest)
        }
        do {
            let session = try await accounts.login(username: username, password: password, address: address)
            let maxAge = Int(session.expiresAt.timeIntervalSinceNow.rounded())
            return Response(
                status: .seeOther,
                headers: [.location: "/?lang=\(language.rawValue)", .setCookie: SessionCookie.set(secret: session.secret, maxAge: maxAge, secure: secureCookies)])
        } catch let error as KalanError {
            switch error {
            case .tooManyAttempts(let seconds):
                return form(language, message: error.message(in: language), username: username, status: .tooManyRequests, headers: [.retryAfter: "\(seconds)"])
            default:
                return form(language, message: error.message(in: language), username: username, status: .unauthorized)
            }
        }
    }

    /// Ends the session when the form carries the session's own token (a forged form cannot).
    func logout(_ request: Request) async throws -> Response {
        let language = request.language
        let data = try await request.body.collect(upTo: 16 * 1024)
        if let secret = SessionCookie.value(in: request.headers[.cookie]), let (_, csrf) = try await accounts.authenticate(session: secret) {
            guard request.head.isSameOrigin, URLEncodedForm(String(buffer: data))["csrf"] == csrf else {
                return HTML.staleForm(language)
            }
            try await accounts.logout(session: secret)
        }
        return Response(
            status: .seeOther, headers: [.location: "/login?lang=\(language.rawValue)", .setCookie: SessionCookie.clear(secure: secureCookies)])
    }
}
