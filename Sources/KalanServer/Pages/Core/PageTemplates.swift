import Mustache

/// Why a page cannot be drawn: a template that does not parse, or a name that no template has.
public enum PageTemplateError: Error, CustomStringConvertible {
    case unparsable(name: String, reason: String)
    case unknown(name: String)

    public var description: String {
        switch self {
        case .unparsable(let name, let reason): "template \(name).mustache does not parse: \(reason)"
        case .unknown(let name): "no page template is named \(name.debugDescription)"
        }
    }
}

/// The page templates (`Sources/KalanServer/Templates/*.mustache`), compiled into the binary and
/// parsed once. Every page is a template that fills the `layout`'s `content` block; shared parts
/// (header, flash message, form field, pager) are partials.
public enum PageTemplates {
    static let sources: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("header", PackageResources.header_mustache),
        ("flash", PackageResources.flash_mustache), ("field", PackageResources.field_mustache),
        ("pager", PackageResources.pager_mustache), ("csrf", PackageResources.csrf_mustache),
        ("message", PackageResources.message_mustache), ("login", PackageResources.login_mustache),
        ("resume", PackageResources.resume_mustache), ("home", PackageResources.home_mustache),
        ("sessions", PackageResources.sessions_mustache), ("roster", PackageResources.roster_mustache),
        ("attendance", PackageResources.attendance_mustache), ("scores", PackageResources.scores_mustache),
        ("results", PackageResources.results_mustache), ("register", PackageResources.register_mustache),
        ("statistics", PackageResources.statistics_mustache), ("verify", PackageResources.verify_mustache),
        ("trainee", PackageResources.trainee_mustache),
        ("fields", PackageResources.fields_mustache), ("admin_form", PackageResources.admin_form_mustache),
        ("admin_list", PackageResources.admin_list_mustache), ("session_edit", PackageResources.session_edit_mustache),
        ("user", PackageResources.user_mustache), ("audit", PackageResources.audit_mustache),
        // HR's pages (issue 12).
        ("hr_confirm", PackageResources.hr_confirm_mustache), ("hr_trainee_form", PackageResources.hr_trainee_form_mustache),
        ("hr_deactivate", PackageResources.hr_deactivate_mustache), ("hr_departments", PackageResources.hr_departments_mustache),
        ("hr_certificates", PackageResources.hr_certificates_mustache), ("hr_revoke", PackageResources.hr_revoke_mustache),
        // The certificate in the holder's wallet (issue 31).
        ("wallet_offer", PackageResources.wallet_offer_mustache),
        // Notices (issue 24).
        ("notices", PackageResources.notices_mustache), ("notices_contact", PackageResources.notices_contact_mustache),
        // The staff member's own pages (issue 26).
        ("staff_sign_in", PackageResources.staff_sign_in_mustache), ("my_trainings", PackageResources.my_trainings_mustache),
        ("my_calls", PackageResources.my_calls_mustache), ("my_evaluation", PackageResources.my_evaluation_mustache),
        ("hr_applications", PackageResources.hr_applications_mustache), ("evaluation_statistics", PackageResources.evaluation_statistics_mustache),
        // Cooperation: costs and who pays (issue 27).
        ("session_costs", PackageResources.session_costs_mustache), ("money_statistics", PackageResources.money_statistics_mustache),
        ("abroad_list", PackageResources.abroad_list_mustache), ("abroad_file", PackageResources.abroad_file_mustache),
        ("offers", PackageResources.offers_mustache),
    ]

    /// Every template parsed once, on first use or at start (`load`).
    static let loaded: Result<MustacheLibrary, PageTemplateError> = Result { () throws(PageTemplateError) in try parse(sources) }

    /// A library of `sources`; the first one that does not parse stops it, named.
    static func parse(_ sources: [(name: String, bytes: [UInt8])]) throws(PageTemplateError) -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, bytes) in sources {
            do {
                try library.register(String(decoding: bytes, as: UTF8.self), named: name)
            } catch {
                throw .unparsable(name: name, reason: "\(error)")
            }
        }
        return library
    }

    /// Parses every template: the server calls it at start, so that one that does not parse stops
    /// it there, with the template's name, not at the first page that needs it.
    public static func load() throws(PageTemplateError) { _ = try loaded.get() }

    /// The page `name` rendered with `context`; a name no template has throws (a programming error:
    /// `PageTemplateTests` checks that every name the pages render is registered).
    static func render(_ context: Any, named name: String) throws(PageTemplateError) -> String {
        let library = try loaded.get()
        guard let html = library.render(context, withTemplate: name) else { throw .unknown(name: name) }
        return html
    }

    /// The stylesheet every page links to.
    static let stylesheet = String(decoding: PackageResources.kalan_css, as: UTF8.self)
}
