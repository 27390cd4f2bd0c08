import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// Accounts for admins (`/users`: create with a role and, for trainers, a partner; disable and
/// enable; reset a password; list and revoke API tokens), and `/account/password` where every
/// signed-in person changes their own password. Through `Accounts`, like `kalan user …`.
struct AccountPages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let clock: WallClock

    func list(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireAdmin().actor
        let search = try page.searchText()
        let language = page.language
        let users = try await accounts.users(actor: actor)
        let partners = try await accounts.partnerChoices(actor: actor)
        let partnerCodes = Dictionary(uniqueKeysWithValues: partners.map { ($0.id, $0.code) })
        let columns = [page.t("admin.user.username"), page.t("admin.user.display_name"), page.t("admin.user.role"), page.t("admin.user.partner"), page.t("admin.user.state")]
        let rows = users.sorted { $0.username < $1.username }
            .filter { matches(search, $0.username, $0.displayName, $0.email, $0.role.name(in: language), $0.partnerID.flatMap { partnerCodes[$0] }) }
            .map { u in
                ListView.Row(cells: [
                    .init(text: u.username, label: columns[0], link: "/users/\(PageRequest.segment(u.username))?lang=\(language.rawValue)"),
                    .init(text: u.displayName, label: columns[1]), .init(text: u.role.name(in: language), label: columns[2]),
                    .init(text: u.partnerID.flatMap { partnerCodes[$0] } ?? "", label: columns[3]),
                    .init(text: page.t(u.active ? "admin.user.active" : "admin.user.disabled"), label: columns[4]),
                ])
            }
        let view = ListView(
            heading: page.t("admin.user.title"), search: search, searchAction: "/users", newLink: "/users/new?lang=\(language.rawValue)",
            newLabel: page.t("admin.user.new"), columns: columns, rows: rows, hasRows: !rows.isEmpty, count: page.t("pager.count", ["count": String(rows.count)]))
        return page.render("admin_list", title: view.heading, view: view, flash: page.doneFlash(), wide: true)
    }

    func newForm(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        _ = try page.requireAdmin()
        return try await newForm(page)
    }

    func newForm(_ page: PageRequest, values: URLEncodedForm? = nil, error: KalanError? = nil) async throws -> Response {
        let language = page.language
        let partners = try await accounts.partnerChoices(actor: try page.requireUser().actor)
        let role = values?["role"] ?? Role.hr.rawValue
        let partner = values?["partner"] ?? ""
        var partnerOptions = [SelectOption(code: "", label: page.t("admin.user.no_partner"), selected: partner.isEmpty)]
        partnerOptions += partners.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name)", selected: $0.code == partner) }
        var username = FormField.text("username", page.t("admin.user.username"), values?["username"], max: FieldLimits.username, required: true)
        username.hint = page.t("admin.hint.username")
        username.autocomplete = "off"
        var partnerField = FormField.choose("partner", page.t("admin.user.partner"), partnerOptions, required: false)
        partnerField.hint = page.t("admin.hint.partner")
        var password = FormField.text("password", page.t("admin.user.password"), nil, max: 200, required: true, type: "password")
        password.hint = page.t("admin.hint.password")
        password.autocomplete = "new-password"
        var form = AdminForm([
            username,
            .text("display_name", page.t("admin.user.display_name"), values?["display_name"], max: 100, required: true),
            .text("email", page.t("admin.user.email"), values?["email"], max: 200, type: "email"),
            .choose("role", page.t("admin.user.role"), Role.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == role) }),
            partnerField, password,
        ])
        if let error { form.place(error, language) }
        let view = FormView(
            heading: page.t("admin.user.new"), intro: nil, action: "/users/new?lang=\(language.rawValue)", submit: page.t("admin.create"),
            back: "/users?lang=\(language.rawValue)", backLabel: page.t("admin.user.back"), fields: [], editable: true)
        return page.renderForm(view, form: form, title: view.heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func create(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireAdmin().actor
        do {
            let input = try fields.decode(AccountNewInput.self)
            let role = try Validate.choice(input.role, as: Role.self, field: "role")
            let partner = input.partner?.nonEmptyNormalisedText
            if role != .trainer, partner != nil { throw KalanError.invalid(field: "partner", problem: .oneOf([page.t("admin.user.no_partner")])) }
            let user = try await accounts.addUser(
                username: String(input.username.prefix(200)), displayName: input.displayName, email: input.email, role: role, partnerCode: partner,
                password: input.password, actor: actor)
            return page.redirect("/users/\(PageRequest.segment(user.username))", done: "created")
        } catch let error as KalanError where error.isFormError {
            return try await newForm(page, values: fields, error: error)
        }
    }

    struct TokenRow {
        var id, name, created, expires, used, state: String
        var revocable: Bool
    }

    struct UserView {
        var username, path, display, role: String
        var partner, email: String?
        var state: String
        var active, isSelf: Bool
        var toggle, toggleLabel: String
        var fields: [FormField]
        /// Name, e-mail, role and partner, changed by an administrator (not one's own role).
        var profile: Profile
        var tokens: [TokenRow]
        var hasTokens: Bool
    }

    struct Profile { var fields: [FormField] }

    func show(_ request: Request, username: String) async throws -> Response {
        let page = PageRequest(request)
        _ = try page.requireAdmin()
        return try await show(page, username: username)
    }

    func show(_ page: PageRequest, username: String, error: KalanError? = nil, values: URLEncodedForm? = nil) async throws -> Response {
        let actor = try page.requireAdmin().actor
        let language = page.language
        let (user, partners) = try await accounts.user(username: username, actor: actor)
        let tokens = try await accounts.tokens(username: user.username, actor: actor)
        let now = clock.now()
        func when(_ date: Date?) -> String {
            guard let date else { return "–" }
            return Format.shortDay(Day.of(date), language)
        }
        let rows = tokens.sorted { $0.createdAt > $1.createdAt }.map { token in
            let expired = token.expiresAt.map { $0 <= now } ?? false
            let state = token.revokedAt != nil ? "admin.user.token_revoked" : (expired ? "admin.user.token_expired" : "admin.user.token_active")
            return TokenRow(
                id: token.id.uuidString, name: token.name, created: when(token.createdAt), expires: when(token.expiresAt), used: when(token.lastUsedAt),
                state: page.t(state), revocable: token.revokedAt == nil)
        }
        var password = FormField.text("password", page.t("admin.user.new_password"), nil, max: 200, required: true, type: "password")
        password.autocomplete = "new-password"
        password.hint = page.t("admin.hint.password")
        let isSelf = user.id == page.user?.id
        let role = values?["role"] ?? user.role.rawValue
        let partnerCode = values?["partner"] ?? user.partnerID.flatMap { id in partners.first { $0.id == id }?.code } ?? ""
        var partnerOptions = [SelectOption(code: "", label: page.t("admin.user.no_partner"), selected: partnerCode.isEmpty)]
        partnerOptions += partners.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name)", selected: $0.code == partnerCode) }
        var partnerField = FormField.choose("partner", page.t("admin.user.partner"), partnerOptions, required: false)
        partnerField.hint = page.t("admin.hint.partner")
        var profileFields: [FormField] = [
            .text("display_name", page.t("admin.user.display_name"), values?["display_name"] ?? user.displayName, max: 100, required: true),
            .text("email", page.t("admin.user.email"), values?["email"] ?? user.email ?? "", max: 200, type: "email"),
        ]
        if !isSelf {
            profileFields.append(
                .choose("role", page.t("admin.user.role"), Role.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == role) }))
            profileFields.append(partnerField)
        }
        var profile = AdminForm(profileFields)
        var form = AdminForm([password])
        if let error {
            if values?["action"] == "update" { profile.place(error, language) } else { form.place(error, language) }
        }
        let view = UserView(
            username: user.username, path: PageRequest.segment(user.username), display: user.displayName, role: user.role.name(in: language),
            partner: user.partnerID.flatMap { id in partners.first { $0.id == id } }.map { "\($0.code) · \($0.name)" }, email: user.email,
            state: page.t(user.active ? "admin.user.active" : "admin.user.disabled"), active: user.active, isSelf: isSelf,
            toggle: user.active ? "disable" : "enable", toggleLabel: page.t(user.active ? "admin.user.disable" : "admin.user.enable"), fields: form.fields, profile: Profile(fields: profile.fields),
            tokens: rows, hasTokens: !rows.isEmpty)
        return page.render("user", title: user.displayName, view: view, flash: profile.flash ?? form.flash ?? page.doneFlash(), status: error == nil ? .ok : .unprocessableContent)
    }

    func post(_ request: Request, username: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireAdmin().actor
        let path = "/users/\(PageRequest.segment(username.lowercased()))"
        do {
            let input = try fields.decode(AccountActionInput.self)
            switch fields["action"] ?? "" {
            case "disable", "enable":
                let active = fields["action"] == "enable"
                if !active, !input.confirmed { throw KalanError.invalid(field: "confirm", problem: .required) }
                guard username.lowercased() != page.user?.username else { throw KalanError.forbidden }
                try await accounts.setActive(username: username, active: active, actor: actor)
                return page.redirect(path, done: active ? "enabled" : "disabled")
            case "update":
                let current = try await accounts.user(username: username, actor: actor).user
                let isSelf = current.id == page.user?.id
                let role = isSelf ? current.role : try Validate.choice(input.role ?? "", as: Role.self, field: "role")
                try await accounts.updateUser(
                    username: username, displayName: input.displayName ?? "", email: input.email, role: role, partnerCode: isSelf ? nil : input.partner,
                    actor: actor)
                return page.redirect(path, done: "saved")
            case "reset":
                try await accounts.resetPassword(username: username, password: input.password ?? "", actor: actor)
                return page.redirect(path, done: "password_reset")
            case "revoke":
                guard input.confirmed else { throw KalanError.invalid(field: "confirm", problem: .required) }
                guard let id = UUID(uuidString: String((input.token ?? "").prefix(40))) else { throw KalanError.invalid(field: "token", problem: .format(.identifier)) }
                // Only a token of this account, from this account's page.
                let owned = try await accounts.tokens(username: username, actor: actor)
                guard owned.contains(where: { $0.id == id }) else { throw KalanError.notFound(.token, key: id.uuidString) }
                try await accounts.revokeToken(id: id, actor: actor)
                return page.redirect(path + "#tokens", done: "token_revoked")
            default:
                throw KalanError.invalid(field: "action", problem: .oneOf(["disable", "enable", "reset", "revoke"]))
            }
        } catch let error as KalanError where error.isFormError {
            return try await show(page, username: username, error: error, values: fields)
        }
    }

    // MARK: Own password

    func passwordForm(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        _ = try page.requireUser()
        return passwordForm(page)
    }

    func passwordForm(_ page: PageRequest, error: KalanError? = nil) -> Response {
        let language = page.language
        var current = FormField.text("current_password", page.t("admin.password.current"), nil, max: 200, required: true, type: "password")
        current.autocomplete = "current-password"
        var new = FormField.text("new_password", page.t("admin.password.new"), nil, max: 200, required: true, type: "password")
        new.autocomplete = "new-password"
        new.hint = page.t("admin.hint.password")
        var confirm = FormField.text("confirm", page.t("admin.password.confirm"), nil, max: 200, required: true, type: "password")
        confirm.autocomplete = "new-password"
        var form = AdminForm([current, new, confirm])
        if let error { form.place(error, language) }
        let view = FormView(
            heading: page.t("admin.password.title"), intro: page.user.map { page.t("admin.password.intro", ["username": $0.username]) },
            action: "/account/password?lang=\(language.rawValue)", submit: page.t("admin.password.submit"), back: "/?lang=\(language.rawValue)",
            backLabel: page.t("error.back_home"), fields: [], editable: true)
        return page.renderForm(view, form: form, title: view.heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func changePassword(_ request: Request, address: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let user = try page.requireUser()
        do {
            let input = try fields.decode(PasswordChangeInput.self)
            try await accounts.changeOwnPassword(
                username: user.username, current: input.current, new: input.new, confirmation: input.confirmation,
                keepingSession: SessionCookie.value(in: request.headers[.cookie]), address: address)
            return page.redirect("/account/password", done: "password_changed")
        } catch let error as KalanError where error.isFormError {
            return passwordForm(page, error: error)
        }
    }
}
