import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The catalogue: `/courses` (search), `/courses/new` and `/courses/{code}` (titles in French and
/// English, domain, hours, modules with their hours, prerequisites, pass mark, minimum attendance,
/// validity), through `Register` like `kalan course add` and the API.
struct CoursePages: Sendable {
    let repository: any KalanRepository

    func list(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireCatalogueReader()
        let search = try page.searchText()
        let language = page.language
        let all = try await CatalogueQueries(repository: repository).courses(actor: user.actor).courses
        let codes = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.code) })
        let columns = [
            page.t("admin.col.code"), page.t("admin.col.title"), page.t("admin.field.domain"), page.t("admin.field.hours"), page.t("admin.field.prerequisites"),
        ]
        let rows = all.filter { matches(search, $0.code, $0.titleFR, $0.titleEN, $0.domain, Names.domain($0.domain, language)) }.map { c in
            ListView.Row(cells: [
                .init(text: c.code, label: columns[0], link: "/courses/\(PageRequest.segment(c.code))?lang=\(language.rawValue)"),
                .init(text: c.title(in: language), label: columns[1]), .init(text: Names.domain(c.domain, language), label: columns[2]),
                .init(text: String(c.hours), label: columns[3], numeric: true),
                .init(text: c.prerequisiteIDs.compactMap { codes[$0] }.sorted().joined(separator: ", "), label: columns[4]),
            ])
        }
        let view = ListView(
            heading: page.t("admin.courses.title"), search: search, searchAction: "/courses",
            newLink: user.actor.managesRegister ? "/courses/new?lang=\(language.rawValue)" : nil, newLabel: page.t("admin.courses.new"),
            columns: columns, rows: rows, hasRows: !rows.isEmpty, count: page.t("pager.count", ["count": String(rows.count)]))
        return page.render("admin_list", title: view.heading, view: view, flash: page.doneFlash(), wide: true)
    }

    func form(_ page: PageRequest, existing: Course?, values: URLEncodedForm? = nil, error: KalanError? = nil) async throws -> Response {
        let user = try existing == nil ? page.requireManager() : page.requireCatalogueReader()
        let language = page.language
        let (courses, programmes) = try await CatalogueQueries(repository: repository).courses(actor: user.actor)
        let codes = Dictionary(uniqueKeysWithValues: courses.map { ($0.id, $0.code) })
        let chosen = Set(values.map { $0.values("prerequisites") } ?? existing?.prerequisiteIDs.compactMap { codes[$0] } ?? [])
        let domain = values?["domain"] ?? existing?.domain ?? "telecoms"
        var domainCodes = (Messages.tree(language)["domain"] as? [String: Any]).map { Array($0.keys) }?.sorted() ?? []
        if !domainCodes.contains(domain) { domainCodes.append(domain) }
        let programmeCode = values?["programme"] ?? existing?.programmeID.flatMap { id in programmes.first { $0.id == id }?.code } ?? ""
        var programmeOptions = [SelectOption(code: "", label: page.t("admin.none"), selected: programmeCode.isEmpty)]
        programmeOptions += programmes.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name(in: language))", selected: $0.code == programmeCode) }
        var fields: [FormField] = []
        if existing == nil { fields.append(.text("code", page.t("admin.col.code"), values?["code"], max: 32, required: true)) }
        var modules = FormField.area(
            "modules", page.t("admin.field.modules"),
            values?["modules"] ?? (existing?.modules ?? []).map { "\($0.titleFR) | \($0.titleEN) | \($0.hours)" }.joined(separator: "\n"),
            hint: page.t("admin.hint.modules"))
        modules.maxlength = 20_000
        fields += [
            .text("title_fr", page.t("admin.field.title_fr"), values?["title_fr"] ?? existing?.titleFR, required: true),
            .text("title_en", page.t("admin.field.title_en"), values?["title_en"] ?? existing?.titleEN, required: true),
            .choose("domain", page.t("admin.field.domain"), domainCodes.map { SelectOption(code: $0, label: Names.domain($0, language), selected: $0 == domain) }),
            .text("hours", page.t("admin.field.hours"), values?["hours"] ?? existing.map { String($0.hours) }, max: 4, required: true, type: "number"),
            .text("pass_mark", page.t("admin.field.pass_mark"), values?["pass_mark"] ?? existing.map { String($0.passMark) } ?? "50", max: 3, required: true, type: "number"),
            .text(
                "min_attendance", page.t("admin.field.min_attendance"), values?["min_attendance"] ?? existing.map { String($0.minAttendance) } ?? "80", max: 3,
                required: true, type: "number"),
            .text("validity_months", page.t("admin.field.validity_months"), values?["validity_months"] ?? existing?.validityMonths.map(String.init), max: 3, type: "number"),
            .choose("programme", page.t("admin.field.programme"), programmeOptions, required: false),
            modules,
            .many(
                "prerequisites", page.t("admin.field.prerequisites"),
                courses.filter { $0.id != existing?.id }.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.title(in: language))", selected: chosen.contains($0.code)) }),
        ]
        var form = AdminForm(fields)
        if let error { form.place(error, language) }
        let path = existing.map { "/courses/\(PageRequest.segment($0.code))" } ?? "/courses/new"
        let heading = existing.map { "\($0.code) · \($0.title(in: language))" } ?? page.t("admin.courses.new")
        let view = FormView(
            heading: heading, intro: existing == nil ? nil : page.t("admin.courses.code_fixed"), action: "\(path)?lang=\(language.rawValue)",
            submit: page.t(existing == nil ? "admin.create" : "admin.save"), back: "/courses?lang=\(language.rawValue)", backLabel: page.t("admin.courses.back"),
            fields: [], editable: user.actor.managesRegister)
        return page.renderForm(view, form: form, title: heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func show(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        guard let code else { return try await form(page, existing: nil) }
        let course = try await CatalogueQueries(repository: repository).course(code: code, actor: try page.requireUser().actor)
        return try await form(page, existing: course)
    }

    func save(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        let register = Register(repository: repository)
        do {
            let form = try fields.decode(CourseFormInput.self)
            let input = Register.CourseInput(
                code: code ?? form.code ?? "", titleFR: form.titleFR, titleEN: form.titleEN, domain: form.domain, hours: form.hours, passMark: form.passMark,
                minAttendance: form.minAttendance, validityMonths: form.validityMonths, programmeCode: form.programme,
                modules: try Self.modules(String((form.modules ?? "").prefix(20_000))), prerequisiteCodes: form.prerequisites)
            if code != nil { try await register.updateCourse(input, actor: actor) } else { try await register.addCourse(input, actor: actor) }
            return page.redirect("/courses/\(PageRequest.segment(input.code.normalisedText.uppercased()))", done: code == nil ? "created" : "saved")
        } catch let error as KalanError where error.isFormError {
            let existing = try await code.asyncMap { try await CatalogueQueries(repository: repository).course(code: $0, actor: actor) }
            return try await form(page, existing: existing, values: fields, error: error)
        }
    }

    /// One module a line: `Titre | Title | hours`; a line that does not read so is refused by number.
    static func modules(_ text: String) throws -> [CourseModule] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= 100 else { throw KalanError.invalid(field: "modules", problem: .range(min: 0, max: 100)) }
        return try lines.enumerated().map { index, line in
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3 else { throw KalanError.invalid(field: "modules[\(index + 1)]", problem: .format(.modules)) }
            guard let hours = Int(parts[2]) else { throw KalanError.invalid(field: "modules[\(index + 1)].hours", problem: .format(.wholeNumber)) }
            return CourseModule(titleFR: parts[0], titleEN: parts[1], hours: hours)
        }
    }
}
