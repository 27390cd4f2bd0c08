import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// `/abroad`: the files of staff trained abroad, listed as HR and leadership ask (away now, due
/// back this month, overdue) per department; a file's page with its resumption, extensions and
/// end-of-mission report; opening a file. Everyone but trainers reads; HR and admins change.
struct AbroadPages: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    var files: AbroadFiles { AbroadFiles(repository: repository, clock: clock) }

    struct Line {
        var id, name, staff, department, session, place, departs, due, state, funding: String
        var overdue: Bool
    }

    struct ListView {
        var lists, departments: [SelectOption]
        var lines: [Line]
        var hasLines: Bool
        var count: String
        var manage: Bool
    }

    func list(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let language = page.language
        let chosen = try request.formQuery.get("list").flatMap { $0.isEmpty ? nil : try Validate.choice($0, as: AbroadList.self, field: "list") } ?? .away
        let department = request.formQuery.get("department").flatMap { $0.isEmpty ? nil : $0 }
        let found = try await files.list(chosen, departmentCode: department, actor: user.actor)
        let departments = try await CatalogueQueries(repository: repository).departments(actor: user.actor)
        let today = files.today
        let lines = found.map { Self.line($0, today: today, page) }
        let view = ListView(
            lists: SelectOption.all(AbroadList.self, chosen: chosen, language),
            departments: [SelectOption(code: "", label: page.t("abroad.all_departments"), selected: department == nil)]
                + departments.map { SelectOption(code: $0.code, label: "\($0.code) — \($0.name(in: language))", selected: $0.code == department?.uppercased()) },
            lines: lines, hasLines: !lines.isEmpty, count: page.t("abroad.count", ["count": "\(lines.count)"]), manage: user.actor.managesRegister)
        let done = request.formQuery.get("done")
        return page.render(
            "abroad_list", title: page.t("abroad.title"), view: view, flash: done == "opened" ? .ok([page.t("abroad.done.opened")]) : nil, wide: true)
    }

    static func line(_ f: AbroadFile, today: Day, _ page: PageRequest) -> Line {
        let language = page.language
        let state: String
        if let back = f.resumedOn {
            state = page.t("abroad.state.back", ["day": Format.shortDay(back, language)])
        } else if f.isOverdue(on: today) {
            state = page.t("abroad.state.overdue", ["days": "\(today.ordinal - f.dueOn.ordinal)"])
        } else if f.departsOn > today {
            state = page.t("abroad.state.coming", ["day": Format.shortDay(f.departsOn, language)])
        } else {
            state = page.t("abroad.state.away")
        }
        return Line(
            id: f.id.uuidString.lowercased(), name: f.name, staff: f.staffNumber, department: f.departmentCode ?? "–", session: f.sessionCode,
            place: [f.city.map { Names.city($0, language) }, f.country.map { Names.country($0, language) }].compactMap { $0 }.joined(separator: ", "),
            departs: Format.shortDay(f.departsOn, language), due: Format.shortDay(f.dueOn, language), state: state, funding: f.funding.name(in: language),
            overdue: f.isOverdue(on: today))
    }

    // MARK: - Opening a file

    struct OpenInput: Decodable {
        var session, staffNumber, departsOn, returnsOn, funding: String
        var authorisationNumber, authorisationDate: String?

        enum CodingKeys: String, CodingKey {
            case session, funding
            case staffNumber = "staff_number"
            case departsOn = "departs_on"
            case returnsOn = "returns_on"
            case authorisationNumber = "authorisation_number"
            case authorisationDate = "authorisation_date"
        }
    }

    static func openForm(_ input: OpenInput?, _ page: PageRequest) -> AdminForm {
        let funding = input?.funding ?? AbroadFunding.partnerScholarship.rawValue
        return AdminForm([
            .text("session", page.t("field.session"), input?.session, max: 40, required: true),
            .text("staff_number", page.t("field.staff_number"), input?.staffNumber, max: 32, required: true),
            .text("authorisation_number", page.t("field.authorisation_number"), input?.authorisationNumber, max: 60),
            .text("authorisation_date", page.t("field.authorisation_date"), input?.authorisationDate, max: 10, type: "date"),
            .text("departs_on", page.t("field.departs_on"), input?.departsOn, max: 10, required: true, type: "date"),
            .text("returns_on", page.t("field.returns_on"), input?.returnsOn, max: 10, required: true, type: "date"),
            .choose(
                "funding", page.t("field.funding"),
                AbroadFunding.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: page.language), selected: $0.rawValue == funding) }),
        ])
    }

    func showOpen(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        guard try page.requireUser().actor.managesRegister else { throw KalanError.forbidden }
        var input: OpenInput?
        if let session = request.formQuery.get("session") {
            input = OpenInput(session: session, staffNumber: "", departsOn: "", returnsOn: "", funding: AbroadFunding.partnerScholarship.rawValue)
        }
        return renderOpen(page, form: Self.openForm(input, page))
    }

    func renderOpen(_ page: PageRequest, form: AdminForm, status: HTTPResponse.Status = .ok) -> Response {
        let view = FormView(
            heading: page.t("abroad.open.title"), intro: page.t("abroad.intro"), action: "/abroad/new?lang=\(page.language.rawValue)",
            submit: page.t("abroad.open.button"), back: "/abroad?lang=\(page.language.rawValue)", backLabel: page.t("abroad.file.back"), fields: form.fields,
            editable: true)
        return page.render("admin_form", title: view.heading, view: view, flash: form.flash, status: status)
    }

    func open(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: OpenInput.self)
        do {
            let file = try await files.open(
                AbroadFileInput(
                    sessionCode: input.session, staffNumber: input.staffNumber, authorisationNumber: input.authorisationNumber,
                    authorisationDate: input.authorisationDate, departsOn: input.departsOn, returnsOn: input.returnsOn, funding: input.funding), actor: user.actor)
            return page.redirect("/abroad/\(file.id.uuidString.lowercased())", done: "opened")
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            var form = Self.openForm(input, page)
            form.place(error, page.language)
            return renderOpen(page, form: form, status: .unprocessableContent)
        }
    }

    // MARK: - A file

    struct Fact {
        var label, value: String
    }

    struct FileView {
        var heading, path: String
        var overdue: Bool
        var facts: [Fact]
        var extensions: [String]
        var hasExtensions: Bool
        var report: String?
        var manage, resumed: Bool
        var today: String
        var resumeError, extendDayError, reasonError, reportError: String?
    }

    func show(_ request: Request, id: String, errors: [String: String] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let language = page.language
        let file = try await files.file(id: try Self.id(id), actor: user.actor)
        let today = files.today
        let line = Self.line(file, today: today, page)
        let authorisation =
            file.authorisationNumber.map { "\($0) — \(Format.day(file.authorisationDate!, language))" } ?? page.t("abroad.file.none")
        let facts = [
            Fact(label: page.t("abroad.col.name"), value: "\(file.name) (\(file.staffNumber))"),
            Fact(label: page.t("abroad.col.department"), value: line.department),
            Fact(label: page.t("abroad.col.session"), value: file.sessionCode), Fact(label: page.t("abroad.col.place"), value: line.place),
            Fact(label: page.t("abroad.file.authorisation"), value: authorisation),
            Fact(label: page.t("field.departs_on"), value: Format.day(file.departsOn, language)),
            Fact(label: page.t("field.returns_on"), value: Format.day(file.returnsOn, language)),
            Fact(label: page.t("field.due_on"), value: Format.day(file.dueOn, language)),
            Fact(label: page.t("field.resumed_on"), value: file.resumedOn.map { Format.day($0, language) } ?? "–"),
            Fact(label: page.t("abroad.col.state"), value: line.state), Fact(label: page.t("field.funding"), value: line.funding),
        ]
        let done = request.formQuery.get("done")
        let flash: PageContext.Flash? = done.flatMap { ["opened", "resumed", "extended", "report"].contains($0) ? .ok([page.t("abroad.done.\($0)")]) : nil }
        let view = FileView(
            heading: page.t("abroad.file.title", ["name": file.name]), path: line.id, overdue: line.overdue, facts: facts,
            extensions: file.extensions.map {
                page.t("abroad.file.extension_line", ["day": Format.day($0.returnsOn, language), "reason": $0.reason])
            }, hasExtensions: !file.extensions.isEmpty, report: file.reportName, manage: user.actor.managesRegister, resumed: file.resumedOn != nil,
            today: "\(today)", resumeError: errors["resumed_on"], extendDayError: errors["returns_on"], reasonError: errors["reason"], reportError: errors["report"])
        let bad = errors.isEmpty ? nil : PageContext.Flash.bad(Array(Set(errors.values)).sorted())
        return page.render("abroad_file", title: view.heading, view: view, flash: bad ?? flash, status: status)
    }

    struct ResumeInput: Decodable {
        var resumedOn: String
        enum CodingKeys: String, CodingKey { case resumedOn = "resumed_on" }
    }

    struct ExtendInput: Decodable {
        var returnsOn, reason: String
        enum CodingKeys: String, CodingKey {
            case reason
            case returnsOn = "returns_on"
        }
    }

    func resume(_ request: Request, id: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: ResumeInput.self)
        return try await change(request, id: id, done: "resumed") {
            try await files.recordResumption(fileID: try Self.id(id), on: input.resumedOn, actor: user.actor)
        }
    }

    func extend(_ request: Request, id: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: ExtendInput.self)
        return try await change(request, id: id, done: "extended") {
            try await files.extend(fileID: try Self.id(id), to: input.returnsOn, reason: input.reason, actor: user.actor)
        }
    }

    func upload(_ request: Request, id: String) async throws -> Response {
        let page = PageRequest(request)
        guard request.head.isSameOrigin else { throw PageError.foreignForm }
        let user = try page.requireUser()
        guard request.formQuery.get("csrf") == page.csrf else { throw PageError.foreignForm }
        var request = request
        let data = try await request.collectBody(upTo: BodyLimitMiddleware<KalanRequestContext>.limit(path: "/abroad/\(id)/report"))
        guard let form = MultipartForm(body: Array(data.readableBytesView), contentType: request.headers[.contentType] ?? "") else {
            throw PageError.foreignForm
        }
        let bytes = form["report"] ?? []
        return try await change(request, id: id, done: "report") {
            try await files.attachReport(fileID: try Self.id(id), name: form.fileName("report") ?? "rapport", data: Data(bytes), actor: user.actor)
        }
    }

    func download(_ request: Request, id: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let report = try await files.report(fileID: try Self.id(id), actor: user.actor)
        let safe = String(report.name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") ? $0 : "_" })
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(safe)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: report.data)))
    }

    /// Runs a change of the file; a refusal shows the file again with the message beside its field.
    func change(_ request: Request, id: String, done: String, _ body: () async throws -> Void) async throws -> Response {
        let page = PageRequest(request)
        do {
            try await body()
        } catch let error as KalanError {
            guard case .invalid(let field, _) = error else { throw error }
            return try await show(request, id: id, errors: [field: error.message(in: page.language)], status: .unprocessableContent)
        }
        return page.redirect("/abroad/\(PageRequest.segment(id))", done: done)
    }

    static func id(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw KalanError.notFound(.enrolment, key: String(text.prefix(40))) }
        return id
    }
}
