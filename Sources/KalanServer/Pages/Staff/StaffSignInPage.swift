import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The staff member's way in: their staff number or e-mail, then the code sent to them. The page
/// says the same whether the number exists or not.
struct StaffSignInPage: Sendable {
    let signIn: StaffSignIn
    let secureCookies: Bool

    struct View {
        var codeStep: Bool
        var identifierValue: String
        var identifier, code: InputField
    }

    func show(_ page: PageRequest) -> Response {
        if page.staff != nil { return page.redirect("/me") }
        return render(page, codeStep: false)
    }

    func render(
        _ page: PageRequest, codeStep: Bool, identifier: String = "", identifierError: String? = nil, codeError: String? = nil, flash: PageContext.Flash? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let view = View(
            codeStep: codeStep, identifierValue: identifier,
            identifier: InputField(
                id: "identifier", name: "identifier", label: page.t("field.identifier"), type: "text", value: identifier, maxlength: 200, required: true,
                autocomplete: "username", error: identifierError),
            code: InputField(
                id: "code", name: "code", label: page.t("field.code"), type: "text", value: "", maxlength: 12, required: true, autocomplete: "one-time-code",
                error: codeError))
        return page.render("staff_sign_in", title: page.t("staff.sign_in.title"), view: view, flash: flash, status: status)
    }

    /// Step 1: a code is sent (or not: the same answer), and the code form is shown.
    func requestCode(_ page: PageRequest, address: String) async throws -> Response {
        guard page.request.head.isSameOrigin else { throw PageError.foreignForm }
        let fields = URLEncodedForm(String(buffer: try await page.request.body.collect(upTo: 16 * 1024)))
        let identifier = String((fields["identifier"] ?? "").prefix(200))
        do {
            try await signIn.requestCode(identifier: identifier, address: address, language: page.language)
        } catch let error as KalanError {
            if case .invalid = error {
                return render(page, codeStep: false, identifier: Self.shown(identifier), identifierError: error.message(in: page.language), status: .unprocessableContent)
            }
            if case .tooManyAttempts(let seconds) = error {
                var response = render(
                    page, codeStep: false, identifier: Self.shown(identifier), flash: .bad([error.message(in: page.language)]), status: .tooManyRequests)
                response.headers[.retryAfter] = "\(seconds)"
                return response
            }
            throw error
        }
        return render(page, codeStep: true, identifier: identifier.normalisedText)
    }

    /// Step 2: the code opens a staff session, or the form says why not.
    func checkCode(_ page: PageRequest, address: String) async throws -> Response {
        guard page.request.head.isSameOrigin else { throw PageError.foreignForm }
        let fields = URLEncodedForm(String(buffer: try await page.request.body.collect(upTo: 16 * 1024)))
        let identifier = String((fields["identifier"] ?? "").prefix(200))
        let session: (member: StaffMember, secret: String, expiresAt: Date)
        do {
            session = try await signIn.signIn(identifier: identifier, code: String((fields["code"] ?? "").prefix(40)), address: address)
        } catch let error as KalanError {
            switch error {
            case .invalid(let field, _) where field == "identifier":
                return render(page, codeStep: false, identifier: Self.shown(identifier), identifierError: error.message(in: page.language), status: .unprocessableContent)
            case .invalid:
                return render(page, codeStep: true, identifier: Self.shown(identifier), codeError: error.message(in: page.language), status: .unprocessableContent)
            case .unauthenticated:
                return render(page, codeStep: true, identifier: Self.shown(identifier), codeError: page.t("staff.sign_in.wrong_code"), status: .unauthorized)
            case .tooManyAttempts(let seconds):
                var response = render(page, codeStep: true, identifier: Self.shown(identifier), flash: .bad([error.message(in: page.language)]), status: .tooManyRequests)
                response.headers[.retryAfter] = "\(seconds)"
                return response
            default: throw error
            }
        }
        let cookie = StaffCookie.set(secret: session.secret, maxAge: StaffSignIn.Limits().sessionLifetime, secure: secureCookies)
        return Response(status: .seeOther, headers: [.location: "/me?lang=\(page.language.rawValue)", .setCookie: cookie])
    }

    func signOut(_ page: PageRequest) async throws -> Response {
        if let secret = StaffCookie.value(in: page.request.headers[.cookie]), page.staff != nil {
            _ = try await page.staffForm()
            try await signIn.signOut(session: secret)
        }
        return Response(status: .seeOther, headers: [.location: "/me/sign-in?lang=\(page.language.rawValue)", .setCookie: StaffCookie.clear(secure: secureCookies)])
    }

    /// What was typed, without control characters, to show it back.
    static func shown(_ text: String) -> String { String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control })) }
}
