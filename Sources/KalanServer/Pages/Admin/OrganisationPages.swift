import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// Departments (the tree), partner institutions and programmes: a list with search, a create
/// form and an edit form each, through `Register` like the CLI and the API. Everyone but trainers
/// reads them; HR and admins change them.
struct OrganisationPages: Sendable {
    let repository: any KalanRepository

    var register: Register { Register(repository: repository) }
    var catalogue: CatalogueQueries { CatalogueQueries(repository: repository) }

    // MARK: Departments

    func departments(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireCatalogueReader()
        let search = try page.searchText()
        let all = try await catalogue.departments(actor: user.actor)
        let language = page.language
        // Depth-first from the roots, children by code: the tree as an indented list.
        let children = Dictionary(grouping: all, by: \.parentID)
        var ordered: [(Department, Int)] = []
        func walk(_ parent: UUID?, _ depth: Int) {
            for child in (children[parent] ?? []).sorted(by: { $0.code < $1.code }) where depth < 20 {
                ordered.append((child, depth))
                walk(child.id, depth + 1)
            }
        }
        walk(nil, 0)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        let shown = ordered.filter { matches(search, $0.0.code, $0.0.nameFR, $0.0.nameEN) }
        let columns = [page.t("admin.col.code"), page.t("admin.col.name"), page.t("admin.col.kind"), page.t("admin.col.parent")]
        let rows = shown.map { department, depth in
            ListView.Row(cells: [
                .init(text: department.code, label: columns[0], link: "/departments/\(PageRequest.segment(department.code))?lang=\(language.rawValue)"),
                .init(text: String(repeating: "· ", count: search.isEmpty ? depth : 0) + department.name(in: language), label: columns[1]),
                .init(text: department.kind.name(in: language), label: columns[2]),
                .init(text: department.parentID.flatMap { byID[$0]?.code } ?? "", label: columns[3]),
            ])
        }
        let view = ListView(
            heading: page.t("admin.departments.title"), search: search, searchAction: "/departments",
            newLink: user.actor.managesRegister ? "/departments/new?lang=\(language.rawValue)" : nil, newLabel: page.t("admin.departments.new"),
            columns: columns, rows: rows, hasRows: !rows.isEmpty, count: page.t("pager.count", ["count": String(rows.count)]))
        return page.render("admin_list", title: view.heading, view: view, flash: page.doneFlash(), wide: true)
    }

    func departmentForm(_ page: PageRequest, existing: Department?, values: URLEncodedForm? = nil, error: KalanError? = nil) async throws -> Response {
        let user = try existing == nil ? page.requireManager() : page.requireCatalogueReader()
        let all = try await catalogue.departments(actor: user.actor)
        let language = page.language
        let parentCode = values?["parent"] ?? existing?.parentID.flatMap { id in all.first { $0.id == id }?.code } ?? ""
        let kind = values?["kind"] ?? existing?.kind.rawValue ?? DepartmentKind.direction.rawValue
        var parents = [SelectOption(code: "", label: page.t("admin.none"), selected: parentCode.isEmpty)]
        parents += all.filter { $0.id != existing?.id }.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name(in: language))", selected: $0.code == parentCode) }
        var fields: [FormField] = []
        if existing == nil {
            fields.append(.text("code", page.t("admin.col.code"), values?["code"], max: 32, required: true))
        }
        fields += [
            .text("name_fr", page.t("admin.field.name_fr"), values?["name_fr"] ?? existing?.nameFR, required: true),
            .text("name_en", page.t("admin.field.name_en"), values?["name_en"] ?? existing?.nameEN),
            .choose("kind", page.t("admin.col.kind"), DepartmentKind.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == kind) }),
            .choose("parent", page.t("admin.col.parent"), parents, required: false),
        ]
        var form = AdminForm(fields)
        if let error { form.place(error, language) }
        let path = existing.map { "/departments/\(PageRequest.segment($0.code))" } ?? "/departments/new"
        let heading = existing.map { page.t("admin.departments.edit", ["code": $0.code]) } ?? page.t("admin.departments.new")
        let view = FormView(
            heading: heading, intro: nil, action: "\(path)?lang=\(language.rawValue)", submit: page.t(existing == nil ? "admin.create" : "admin.save"),
            back: "/departments?lang=\(language.rawValue)", backLabel: page.t("admin.departments.back"), fields: [], editable: user.actor.managesRegister)
        return page.renderForm(view, form: form, title: heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func showDepartment(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        guard let code else { return try await departmentForm(page, existing: nil) }
        let department = try await catalogue.department(code: code, actor: try page.requireUser().actor)
        return try await departmentForm(page, existing: department)
    }

    func saveDepartment(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        do {
            let input = try fields.decode(DepartmentFormInput.self)
            if let code {
                try await register.updateDepartment(
                    code: code, nameFR: input.nameFR, nameEN: input.nameEN, kind: input.kind, parentCode: input.parent, actor: actor)
            } else {
                try await register.addDepartment(
                    code: input.code ?? "", nameFR: input.nameFR, nameEN: input.nameEN, kind: input.kind, parentCode: input.parent, actor: actor)
            }
            return page.redirect("/departments", done: code == nil ? "created" : "saved")
        } catch let error as KalanError where error.isFormError {
            let existing = try await code.asyncMap { try await catalogue.department(code: $0, actor: actor) }
            return try await departmentForm(page, existing: existing, values: fields, error: error)
        }
    }

    // MARK: Partners

    func partners(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireCatalogueReader()
        let search = try page.searchText()
        let language = page.language
        let all = try await catalogue.partners(actor: user.actor)
        let columns = [page.t("admin.col.code"), page.t("admin.col.name"), page.t("admin.col.kind"), page.t("admin.col.country")]
        let rows = all.filter { matches(search, $0.code, $0.name, Names.country($0.country, language)) }.map { p in
            ListView.Row(cells: [
                .init(text: p.code, label: columns[0], link: "/partners/\(PageRequest.segment(p.code))?lang=\(language.rawValue)"),
                .init(text: p.name, label: columns[1]), .init(text: p.kind.name(in: language), label: columns[2]),
                .init(text: Names.country(p.country, language), label: columns[3]),
            ])
        }
        let view = ListView(
            heading: page.t("admin.partners.title"), search: search, searchAction: "/partners",
            newLink: user.actor.managesRegister ? "/partners/new?lang=\(language.rawValue)" : nil, newLabel: page.t("admin.partners.new"),
            columns: columns, rows: rows, hasRows: !rows.isEmpty, count: page.t("pager.count", ["count": String(rows.count)]))
        return page.render("admin_list", title: view.heading, view: view, flash: page.doneFlash(), wide: true)
    }

    func partnerForm(_ page: PageRequest, existing: Partner?, values: URLEncodedForm? = nil, error: KalanError? = nil) throws -> Response {
        let user = try existing == nil ? page.requireManager() : page.requireCatalogueReader()
        let language = page.language
        let kind = values?["kind"] ?? existing?.kind.rawValue ?? PartnerKind.government.rawValue
        var fields: [FormField] = []
        if existing == nil { fields.append(.text("code", page.t("admin.col.code"), values?["code"], max: 32, required: true)) }
        // A list of countries in the page's language, not an ISO code typed by hand.
        let country = FormField.choose(
            "country", page.t("admin.col.country"), SelectOption.countries(chosen: values?["country"] ?? existing?.country ?? "ML", language))
        fields += [
            .text("name", page.t("admin.col.name"), values?["name"] ?? existing?.name, required: true),
            .choose("kind", page.t("admin.col.kind"), PartnerKind.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == kind) }),
            country,
        ]
        var form = AdminForm(fields)
        if let error { form.place(error, language) }
        let path = existing.map { "/partners/\(PageRequest.segment($0.code))" } ?? "/partners/new"
        let heading = existing.map { page.t("admin.partners.edit", ["code": $0.code]) } ?? page.t("admin.partners.new")
        let view = FormView(
            heading: heading, intro: nil, action: "\(path)?lang=\(language.rawValue)", submit: page.t(existing == nil ? "admin.create" : "admin.save"),
            back: "/partners?lang=\(language.rawValue)", backLabel: page.t("admin.partners.back"), fields: [], editable: user.actor.managesRegister)
        return page.renderForm(view, form: form, title: heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func showPartner(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        guard let code else { return try partnerForm(page, existing: nil) }
        let partner = try await catalogue.partner(code: code, actor: try page.requireUser().actor)
        return try partnerForm(page, existing: partner)
    }

    func savePartner(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        do {
            let input = try fields.decode(PartnerFormInput.self)
            if let code {
                try await register.updatePartner(code: code, name: input.name, kind: input.kind, country: input.country, actor: actor)
            } else {
                try await register.addPartner(code: input.code ?? "", name: input.name, kind: input.kind, country: input.country, actor: actor)
            }
            return page.redirect("/partners", done: code == nil ? "created" : "saved")
        } catch let error as KalanError where error.isFormError {
            let existing = try await code.asyncMap { try await catalogue.partner(code: $0, actor: actor) }
            return try partnerForm(page, existing: existing, values: fields, error: error)
        }
    }

    // MARK: Programmes

    func programmes(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireCatalogueReader()
        let search = try page.searchText()
        let language = page.language
        let (all, partners) = try await catalogue.programmes(actor: user.actor)
        let partnerCodes = Dictionary(uniqueKeysWithValues: partners.map { ($0.id, $0.code) })
        let columns = [page.t("admin.col.code"), page.t("admin.col.name"), page.t("admin.col.period"), page.t("admin.col.target"), page.t("admin.col.partners")]
        let rows = all.filter { matches(search, $0.code, $0.nameFR, $0.nameEN) }.map { p in
            ListView.Row(cells: [
                .init(text: p.code, label: columns[0], link: "/programmes/\(PageRequest.segment(p.code))?lang=\(language.rawValue)"),
                .init(text: p.name(in: language), label: columns[1]),
                .init(text: "\(Format.shortDay(p.startsOn, language)) → \(Format.shortDay(p.endsOn, language))", label: columns[2]),
                .init(text: Format.number(Double(p.targetTrainees), decimals: 0, language), label: columns[3], numeric: true),
                .init(text: p.partnerIDs.compactMap { partnerCodes[$0] }.sorted().joined(separator: ", "), label: columns[4]),
            ])
        }
        let view = ListView(
            heading: page.t("admin.programmes.title"), search: search, searchAction: "/programmes",
            newLink: user.actor.managesRegister ? "/programmes/new?lang=\(language.rawValue)" : nil, newLabel: page.t("admin.programmes.new"),
            columns: columns, rows: rows, hasRows: !rows.isEmpty, count: page.t("pager.count", ["count": String(rows.count)]))
        return page.render("admin_list", title: view.heading, view: view, flash: page.doneFlash(), wide: true)
    }

    func programmeForm(_ page: PageRequest, existing: Programme?, values: URLEncodedForm? = nil, error: KalanError? = nil) async throws -> Response {
        let user = try existing == nil ? page.requireManager() : page.requireCatalogueReader()
        let language = page.language
        let partners = try await catalogue.partners(actor: user.actor)
        let chosen = Set(values.map { $0.values("partners") } ?? partners.filter { existing?.partnerIDs.contains($0.id) == true }.map(\.code))
        var fields: [FormField] = []
        if existing == nil { fields.append(.text("code", page.t("admin.col.code"), values?["code"], max: 32, required: true)) }
        let chosenDomains = Set(values.map { $0.values("domains") } ?? existing?.domains ?? [])
        var domainCodes = (Messages.tree(language)["domain"] as? [String: Any]).map { Array($0.keys) }?.sorted() ?? []
        domainCodes += chosenDomains.filter { !domainCodes.contains($0) }.sorted()
        let domains = FormField.many(
            "domains", page.t("admin.field.domains"), domainCodes.map { SelectOption(code: $0, label: Names.domain($0, language), selected: chosenDomains.contains($0)) })
        fields += [
            .text("name_fr", page.t("admin.field.name_fr"), values?["name_fr"] ?? existing?.nameFR, required: true),
            .text("name_en", page.t("admin.field.name_en"), values?["name_en"] ?? existing?.nameEN),
            .text("starts_on", page.t("admin.field.starts_on"), values?["starts_on"] ?? existing?.startsOn.description, max: 10, required: true, type: "date"),
            .text("ends_on", page.t("admin.field.ends_on"), values?["ends_on"] ?? existing?.endsOn.description, max: 10, required: true, type: "date"),
            .text("target_trainees", page.t("admin.col.target"), values?["target_trainees"] ?? existing.map { String($0.targetTrainees) } ?? "0", max: 7, type: "number"),
            domains,
            .many("partners", page.t("admin.col.partners"), partners.map { SelectOption(code: $0.code, label: "\($0.code) · \($0.name)", selected: chosen.contains($0.code)) }),
        ]
        var form = AdminForm(fields)
        if let error { form.place(error, language) }
        let path = existing.map { "/programmes/\(PageRequest.segment($0.code))" } ?? "/programmes/new"
        let heading = existing.map { page.t("admin.programmes.edit", ["code": $0.code]) } ?? page.t("admin.programmes.new")
        let view = FormView(
            heading: heading, intro: nil, action: "\(path)?lang=\(language.rawValue)", submit: page.t(existing == nil ? "admin.create" : "admin.save"),
            back: "/programmes?lang=\(language.rawValue)", backLabel: page.t("admin.programmes.back"), fields: [], editable: user.actor.managesRegister)
        return page.renderForm(view, form: form, title: heading, status: error == nil ? .ok : .unprocessableContent)
    }

    func showProgramme(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        guard let code else { return try await programmeForm(page, existing: nil) }
        let programme = try await catalogue.programme(code: code, actor: try page.requireUser().actor)
        return try await programmeForm(page, existing: programme)
    }

    func saveProgramme(_ request: Request, code: String?) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireManager().actor
        do {
            let form = try fields.decode(ProgrammeFormInput.self)
            let input = Register.ProgrammeInput(
                code: code ?? form.code ?? "", nameFR: form.nameFR, nameEN: form.nameEN, startsOn: form.startsOn, endsOn: form.endsOn, domains: form.domains,
                targetTrainees: form.targetTrainees, partnerCodes: form.partners)
            if code != nil { try await register.updateProgramme(input, actor: actor) } else { try await register.addProgramme(input, actor: actor) }
            return page.redirect("/programmes", done: code == nil ? "created" : "saved")
        } catch let error as KalanError where error.isFormError {
            let existing = try await code.asyncMap { try await catalogue.programme(code: $0, actor: actor) }
            return try await programmeForm(page, existing: existing, values: fields, error: error)
        }
    }
}

extension KalanError {
    /// A refusal the person can fix in the form (shown beside the field), as opposed to a missing
    /// record or right (a page of its own).
    var isFormError: Bool {
        switch self {
        case .invalid, .duplicate, .rule: true
        default: false
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
