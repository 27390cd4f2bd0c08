import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The browser's way in: a login form, a home page for the signed-in account, and logout. The
/// session itself is the same hashed secret as an API token, carried by the session cookie.
struct SessionPages: Sendable {
    let accounts: Accounts
    let secureCookies: Bool

    func addRoutes(to router: RouterGroup<KalanRequestContext>) {
        router.get("") { request, _ in try await home(PageRequest(request)) }
        router.get("login") { request, _ in
            let page = PageRequest(request)
            let next = LoginPage.safeNext(request.formQuery.get("next"))
            return LoginPage.render(page, next: next, flash: next == nil ? nil : .bad([page.t("login.to_continue")]))
        }
        router.post("login") { request, context in try await login(PageRequest(request), address: context.clientAddress) }
        router.post("logout") { request, _ in try await logout(PageRequest(request)) }
        router.get("assets/kalan.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: .init(string: PageTemplates.stylesheet)))
        }
    }

    struct HomeView {
        var hello, username, role: String
        var managesRegister: Bool
        var sessionsLabel: String
        /// Everyone but trainers reads the organisation and the catalogue.
        var readsCatalogue, isAdmin: Bool
    }

    func home(_ page: PageRequest) async throws -> Response {
        let user = try page.requireUser()
        let view = HomeView(
            hello: page.t("home.hello", ["name": user.displayName]), username: user.username, role: user.role.name(in: page.language),
            managesRegister: user.actor.managesRegister, sessionsLabel: page.t(user.role == .trainer ? "home.sessions_trainer" : "home.sessions"),
            readsCatalogue: user.role != .trainer, isAdmin: user.actor.isAdmin)
        return page.render("home", title: page.t("home.title"), view: view)
    }

    func login(_ page: PageRequest, address: String) async throws -> Response {
        guard page.request.head.isSameOrigin else {
            return LoginPage.render(page, flash: .bad([page.t("login.origin_refused")]), status: .forbidden)
        }
        let data = try await page.request.body.collect(upTo: 256 * 1024)
        let fields = URLEncodedForm(String(buffer: data))
        let username = String((fields["username"] ?? "").prefix(FieldLimits.username))
        let password = fields["password"] ?? ""
        let next = LoginPage.safeNext(fields["next"])
        let replay = fields.all.filter { $0.name.hasPrefix("r.") }.map { (name: String($0.name.dropFirst(2)), value: $0.value) }
        func again(_ errors: LoginPage.Errors, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
            let shown = String(String.UnicodeScalarView(username.unicodeScalars.filter { $0.properties.generalCategory != .control }))
            var response = LoginPage.render(page, next: next, replay: replay, username: shown, errors: errors, status: status)
            for field in headers { response.headers.append(field) }
            return response
        }
        guard !username.isEmpty else {
            return again(.init(username: KalanError.invalid(field: "username", problem: .required).message(in: page.language)), status: .badRequest)
        }
        guard !password.isEmpty else {
            return again(.init(password: KalanError.invalid(field: "password", problem: .required).message(in: page.language)), status: .badRequest)
        }
        let session: (user: User, secret: String, expiresAt: Date)
        do {
            session = try await accounts.login(username: username, password: password, address: address)
        } catch let error as KalanError {
            // The database gone is no wrong password: the error page says to retry (503, Retry-After).
            if case .unavailable = error { throw error }
            if case .storageFailure = error { throw error }
            if case .tooManyAttempts(let seconds) = error {
                return again(.init(form: error.message(in: page.language)), status: .tooManyRequests, headers: [.retryAfter: "\(seconds)"])
            }
            // A control character (NUL…) in a field: the field says so.
            if case .invalid(let field, _) = error {
                let message = error.message(in: page.language)
                let errors = field == "username" ? LoginPage.Errors(username: message) : LoginPage.Errors(password: message)
                return again(errors, status: .unprocessableContent)
            }
            return again(.init(form: error.message(in: page.language)), status: .unauthorized)
        }
        let cookie = SessionCookie.set(secret: session.secret, maxAge: Int(session.expiresAt.timeIntervalSinceNow.rounded()), secure: secureCookies)
        // A form that was being sent when the session expired: offer to send it again.
        if let next, !replay.isEmpty, let (_, csrf) = try await accounts.authenticate(session: session.secret) {
            let signedIn = PageRequest(request: page.request, language: page.language, user: session.user, csrf: csrf)
            var response = ResumePage.render(signedIn, action: next, fields: replay)
            response.headers[.setCookie] = cookie
            return response
        }
        return Response(status: .seeOther, headers: [.location: next ?? "/?lang=\(page.language.rawValue)", .setCookie: cookie])
    }

    /// Ends the session when the form carries the session's own token (a forged form cannot).
    func logout(_ page: PageRequest) async throws -> Response {
        if let secret = SessionCookie.value(in: page.request.headers[.cookie]), page.user != nil {
            let data = try await page.request.body.collect(upTo: 16 * 1024)
            guard page.request.head.isSameOrigin, URLEncodedForm(String(buffer: data))["csrf"] == page.csrf else {
                throw PageError.foreignForm
            }
            try await accounts.logout(session: secret)
        }
        return Response(
            status: .seeOther, headers: [.location: "/login?lang=\(page.language.rawValue)", .setCookie: SessionCookie.clear(secure: secureCookies)])
    }
}

/// The login form, also shown when a session expired while a form was being sent.
enum LoginPage {

    struct Errors {
        var username: String? = nil
        var password: String? = nil
        var form: String? = nil
    }

    struct View {
        var next: String?
        var replay: [Replayed]
        var username, password: InputField
    }

    struct Replayed {
        var name, value: String
    }

    /// Only a path of this site (`/sessions/…`), never another site (`//evil`, `https://…`).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.utf8.count <= 500,
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return next
    }

    static func render(
        _ page: PageRequest, next: String? = nil, replay: [(name: String, value: String)] = [], username: String = "", errors: Errors = .init(),
        flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let view = View(
            next: next, replay: replay.map { Replayed(name: $0.name, value: $0.value) },
            username: InputField(
                id: "username", name: "username", label: page.t("field.username"), type: "text", value: username, maxlength: FieldLimits.username, required: true,
                autocomplete: "username", error: errors.username),
            password: InputField(
                id: "password", name: "password", label: page.t("field.password"), type: "password", value: "", maxlength: FieldLimits.loginPassword, required: true,
                autocomplete: "current-password", error: errors.password))
        return page.render("login", title: page.t("login.title"), view: view, flash: errors.form.map { .bad([$0]) } ?? flash, status: status)
    }
}

/// After logging in again: what was typed, ready to be sent with the new session's token.
enum ResumePage {
    struct View {
        var action, back: String
        var replay: [LoginPage.Replayed]
    }

    static func render(_ page: PageRequest, action: String, fields: [(name: String, value: String)], status: HTTPResponse.Status = .ok) -> Response {
        let back = action.contains("?") ? action : "\(action)?lang=\(page.language.rawValue)"
        let view = View(action: action, back: back, replay: fields.map { .init(name: $0.name, value: $0.value) })
        return page.render("resume", title: page.t("resume.title"), view: view, status: status)
    }
}
