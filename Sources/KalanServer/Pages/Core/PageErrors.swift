import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import Logging

/// Why a page could not do what was asked, besides a domain refusal (`KalanError`).
enum PageError: Error {
    /// Nobody is signed in (or the session expired): the login page, then back here. A form that
    /// was being sent is kept (`fields`) and offered again after login.
    case signInRequired
    case expired(fields: [(name: String, value: String)])
    /// A form from another site: nothing is done.
    case foreignForm
}

/// The one error path of the pages: a domain refusal becomes a page in the reader's language with
/// the matching status; an expired session leads to the login page and back; anything else (the
/// database gone) a 503 page that says to try again. No stack trace, no internal names.
struct PageErrorMiddleware<Context: RequestContext>: RouterMiddleware {

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            // The session could not be checked (the database gone): answered as any other failure.
            if let failure = PagePrincipal.failure { throw failure }
            return try await next(request, context)
        } catch let error as PageError {
            return Self.answer(error, page: PageRequest(request))
        } catch let error as KalanError {
            if case .storageFailure(let detail) = error { context.logger.error("storage failure", metadata: ["error": "\(detail)"]) }
            // A JSON document (the issuer's profile, the status list…) answers as JSON: a problem.
            if Self.isJSONResource(request) { return Problem(error, language: request.language).response(headers: error.headers) }
            return Self.answer(error, page: PageRequest(request))
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            if Self.isJSONResource(request) {
                return Problem(KalanError.unavailable, language: request.language).response(headers: KalanError.unavailable.headers)
            }
            let page = PageRequest(request: request, language: request.language, user: nil, csrf: "")
            var response = page.message(page.t("error.title.503"), text: page.t("error.unavailable"), status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
            return response
        }
    }

    /// The public documents that are JSON whoever asks (the issuer's profile and achievements, the
    /// JSON-LD context, the status list, a credential's download), and any page asked for as JSON.
    static func isJSONResource(_ request: Request) -> Bool {
        let path = request.uri.path
        return path == "/issuer" || path.hasPrefix("/issuer/") || path.hasPrefix("/.well-known/") || path == "/did.json" || path.hasPrefix("/status/") || path.hasPrefix("/contexts/")
            || (path.hasPrefix("/verify/") && path.hasSuffix(".json")) || request.wantsJSON
    }

    static func answer(_ error: PageError, page: PageRequest) -> Response {
        switch error {
        case .signInRequired:
            let next = page.request.uri.path == "/" ? "" : "&next=\(PageRequest.encode(page.returnPath))"
            return Response(status: .seeOther, headers: [.location: "/login?lang=\(page.language.rawValue)\(next)"])
        case .expired(let fields):
            if page.user != nil {
                return ResumePage.render(page, action: page.request.uri.description, fields: fields, status: .forbidden)
            }
            return LoginPage.render(page, next: page.request.uri.description, replay: fields, flash: .bad([page.t("login.expired")]), status: .unauthorized)
        case .foreignForm:
            return page.message(page.t("stale.title"), text: page.t("stale.text"), status: .forbidden)
        }
    }

    static func answer(_ error: KalanError, page: PageRequest) -> Response {
        let status = error.status
        var response = page.message(
            page.t("error.title.\(status.code)"), text: error.message(in: page.language), status: status,
            link: page.request.method == .post ? page.returnPath : nil, linkLabel: page.request.method == .post ? page.t("error.back") : nil)
        for field in error.headers { response.headers.append(field) }
        return response
    }
}

extension PageRequest {
    /// Where to come back to: the page itself for a GET; for a form, the page that shows it (the
    /// form's own address, read with GET).
    var returnPath: String {
        var items = request.formQuery.filter { $0.key != "done" }.map { "\($0.key)=\(Self.encode(String($0.value)))" }
        if !items.contains(where: { $0.hasPrefix("lang=") }) { items.append("lang=\(language.rawValue)") }
        return "\(request.uri.path)?\(items.joined(separator: "&"))"
    }

    /// The fields of a form sent to this page, when it comes from Kalan's own pages with this
    /// session's token. A form from another site is refused; a form whose session expired (or
    /// whose token is from an earlier session) is kept and offered again after login.
    func form(upTo limit: Int = 256 * 1024) async throws -> URLEncodedForm {
        guard request.head.isSameOrigin else { throw PageError.foreignForm }
        let data = try await request.body.collect(upTo: limit)
        let fields = URLEncodedForm(String(buffer: data))
        try check(fields.all, token: fields["csrf"])
        return fields
    }

    /// Refuses a form without this session's token; keeps what it carried.
    func check(_ fields: [(name: String, value: String)], token: String?) throws {
        guard user != nil, let token, !csrf.isEmpty, token == csrf else {
            let kept = fields.filter { $0.name != "csrf" }
            guard !kept.isEmpty else { throw user == nil ? PageError.signInRequired : PageError.foreignForm }
            throw PageError.expired(fields: kept)
        }
    }
}
