import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// One field of an administration form (`fields.mustache`): a text input, a text area, a select or
/// a group of checkboxes, with its error beside it.
struct FormField {
    var name, label: String
    var type = "text"
    var value = ""
    var maxlength: Int? = nil
    var required = false
    var readonly = false
    var autocomplete: String? = nil
    var hint: String? = nil
    var error: String? = nil
    var input = true
    var textarea = false
    var select = false
    var checks = false
    var options: [SelectOption] = []

    static func text(_ name: String, _ label: String, _ value: String?, max: Int = 200, required: Bool = false, type: String = "text") -> FormField {
        FormField(name: name, label: label, type: type, value: value ?? "", maxlength: max, required: required)
    }

    static func area(_ name: String, _ label: String, _ value: String, hint: String? = nil) -> FormField {
        FormField(name: name, label: label, value: value, hint: hint, input: false, textarea: true)
    }

    static func choose(_ name: String, _ label: String, _ options: [SelectOption], required: Bool = true) -> FormField {
        FormField(name: name, label: label, required: required, input: false, select: true, options: options)
    }

    static func many(_ name: String, _ label: String, _ options: [SelectOption], hint: String? = nil) -> FormField {
        FormField(name: name, label: label, hint: hint, input: false, checks: true, options: options)
    }
}

/// A form's fields with the refusal placed beside the field it names; what names no field of the
/// form goes to the message at the top.
struct AdminForm {
    var fields: [FormField]
    var general: [String] = []

    init(_ fields: [FormField]) { self.fields = fields }

    /// Places `error` beside its field (`modules[2].hours` beside `modules`, a duplicate beside
    /// `code`, a missing reason beside `reason`).
    mutating func place(_ error: KalanError, _ language: Language) {
        var field: String?
        var message = error.message(in: language)
        switch error {
        case .invalid(let name, let problem):
            let base = String(name.prefix { $0 != "[" && $0 != "." })
            if fields.contains(where: { $0.name == name }) {
                field = name
                message = problem.message(in: language)
            } else if fields.contains(where: { $0.name == base }) {
                field = base
                if let line = name.firstMatch(of: /\[(\d+)\]/)?.1 {
                    message = Messages.text("admin.line_problem", language, ["line": String(line), "problem": problem.message(in: language)])
                } else {
                    message = problem.message(in: language)
                }
            }
        case .duplicate: field = fields.contains { $0.name == "code" } ? "code" : (fields.contains { $0.name == "username" } ? "username" : nil)
        case .rule(.reasonRequired): field = fields.contains { $0.name == "reason" } ? "reason" : nil
        default: break
        }
        if let field, let index = fields.firstIndex(where: { $0.name == field }) {
            fields[index].error = message
        } else {
            general.append(message)
        }
    }

    var flash: PageContext.Flash? { general.isEmpty ? nil : .bad(general) }
}

/// A form page's view: its fields, where it posts, and whether the reader may change it.
struct FormView {
    var heading: String
    var intro: String?
    var action, submit, back, backLabel: String
    var fields: [FormField]
    var editable: Bool
}

/// One list of records (`admin_list.mustache`): a search box, a "new" link, a table.
struct ListView {
    struct Cell {
        var text, label: String
        var link: String?
        var numeric = false
    }

    struct Row { var cells: [Cell] }

    var heading, search, searchAction: String
    var newLink: String?
    var newLabel: String
    var columns: [String]
    var rows: [Row]
    var hasRows: Bool
    var count: String
    var extra: [ExtraLink] = []
}

struct ExtraLink {
    var href, label: String
}

extension PageRequest {
    /// The signed-in reader when they may read the organisation and catalogue (everyone but
    /// trainers, who see only their sessions); a 403 page otherwise.
    func requireCatalogueReader() throws -> User {
        let user = try requireUser()
        guard user.role != .trainer else { throw KalanError.forbidden }
        return user
    }

    func requireManager() throws -> User {
        let user = try requireUser()
        guard user.actor.managesRegister else { throw KalanError.forbidden }
        return user
    }

    func requireAdmin() throws -> User {
        let user = try requireUser()
        guard user.actor.isAdmin else { throw KalanError.forbidden }
        return user
    }

    /// `?search=` of a list page, checked like any field.
    func searchText() throws -> String {
        try Validate.text(request.formQuery.get("search"), field: "search", max: 100, required: false) ?? ""
    }

    /// "Saved." when the page comes back from a change (`?done=created|saved|…`).
    func doneFlash() -> PageContext.Flash? {
        guard let done = request.formQuery.get("done"), let text = Messages.optionalText("admin.done.\(done)", language) else { return nil }
        return .ok([text])
    }

    func renderForm(_ view: FormView, form: AdminForm, title: String, status: HTTPResponse.Status = .ok, template: String = "admin_form", extra: Any? = nil)
        -> Response
    {
        var view = view
        view.fields = form.fields
        return render(template, title: title, view: extra ?? view, flash: form.flash ?? doneFlash(), status: status)
    }
}

/// Folded text for searches in short lists: case- and accent-insensitive.
func folded(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
}

func matches(_ search: String, _ texts: String?...) -> Bool {
    guard !search.isEmpty else { return true }
    let needle = folded(search)
    return texts.contains { $0.map { folded($0).contains(needle) } ?? false }
}

extension URLEncodedForm {
    /// The codes checked in a group of checkboxes, each sent as `name.CODE` (a key may not be
    /// given twice in a form), to show a refused form again as it was sent; a page reads what
    /// was sent with `decode(_:)`, where the group is an array.
    func values(_ name: String) -> [String] { all.filter { $0.name.hasPrefix(name + ".") }.map { String($0.name.dropFirst(name.count + 1)) } }
}
