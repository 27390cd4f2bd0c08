import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import Mustache
import NIOCore

/// What every page's template can read besides its own view: the language and its catalogue
/// (`{{t.section.key}}`), the signed-in user, the form token, the flash message.
struct PageContext {
    struct SignedIn {
        var username: String
        var managesRegister, readsCatalogue, isAdmin: Bool
    }

    struct Flash {
        var kind, role: String
        var lines: [String]

        static func ok(_ lines: [String]) -> Flash { Flash(kind: "ok", role: "status", lines: lines) }
        static func bad(_ lines: [String]) -> Flash { Flash(kind: "bad", role: "alert", lines: lines) }
    }

    struct OtherLanguage {
        var code, label, href: String
    }

    var lang: String
    var t: [String: Any]
    var title: String
    var wide: Bool
    var user: SignedIn?
    var csrf: String
    var flash: Flash?
    var otherLanguage: OtherLanguage
    /// A staff member signed in with a code (issue 26): their name, for their own header.
    var staffName: String?
    var view: Any
}

/// One page request: its language, the signed-in user (if any) and the session's form token.
struct PageRequest {
    let request: Request
    let language: Language
    let user: User?
    let csrf: String
    /// A staff member signed in with a code, on their own pages only (never an account, no role).
    var staff: StaffMember? = nil

    var actor: Actor? { user?.actor }

    func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }

    /// The signed-in user, or the login page (which brings the reader back here).
    func requireUser() throws -> User {
        guard let user else { throw PageError.signInRequired }
        return user
    }

    /// Renders `template` inside the layout.
    func render(_ template: String, title: String, view: Any, flash: PageContext.Flash? = nil, wide: Bool = false, status: HTTPResponse.Status = .ok)
        -> Response
    {
        let other: Language = language == .fr ? .en : .fr
        var items = request.formQuery.filter { $0.key != "lang" }.map { "\($0.key)=\(Self.encode(String($0.value)))" }
        items.append("lang=\(other.rawValue)")
        let context = PageContext(
            lang: language.rawValue, t: Messages.tree(language), title: title, wide: wide,
            user: user.map {
                .init(username: $0.username, managesRegister: $0.actor.managesRegister, readsCatalogue: $0.role != .trainer, isAdmin: $0.actor.isAdmin)
            }, csrf: csrf, flash: flash,
            otherLanguage: .init(code: other.rawValue, label: Messages.text("layout.language_name", other), href: "\(request.uri.path)?\(items.joined(separator: "&"))"),
            staffName: staff?.displayName, view: view)
        let html: String
        do {
            html = try PageTemplates.render(context, named: template)
        } catch {
            // Never an empty page: a programming error that the tests catch (PageTemplateTests).
            let text = Messages.text("error.internal", language)
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that only says something (an error, a refusal), with a way back.
    func message(_ title: String, text: String?, status: HTTPResponse.Status, link: String? = nil, linkLabel: String? = nil) -> Response {
        struct View {
            var text: String?
            var link, linkLabel: String
        }
        return render(
            "message", title: title, view: View(text: text, link: link ?? "/?lang=\(language.rawValue)", linkLabel: linkLabel ?? t("error.back_home")),
            status: status)
    }

    /// Back to `path` after a change (POST → redirect → GET), saying what was done.
    func redirect(_ path: String, done: String? = nil) -> Response {
        let separator = path.contains("?") ? "&" : "?"
        let flag = done.map { "&done=\($0)" } ?? ""
        return Response(status: .seeOther, headers: [.location: "\(path)\(separator)lang=\(language.rawValue)\(flag)"])
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.~"))) ?? ""
    }

    /// A path segment for a code (`S-TEL-2026-01`).
    static func segment(_ code: String) -> String { encode(code) }
}

extension Request {
    /// `?lang=` wins, then Accept-Language; French by default.
    var language: Language {
        if let lang = formQuery.get("lang"), let language = Language(code: lang) { return language }
        return Language(acceptLanguage: headers[.acceptLanguage])
    }

    var wantsJSON: Bool { headers[.accept]?.contains("application/json") == true }
}
