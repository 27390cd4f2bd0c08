import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// `/sessions/{code}/costs`: a session's cost lines with their CFA amounts, totals by payer and per
/// head; HR and admins add and remove lines. Everyone but trainers reads it.
struct SessionCostsPage: Sendable {
    let repository: any KalanRepository

    /// The form as sent; amounts and rates stay texts (read exactly by the use case).
    struct Input: Decodable {
        var kind, amount, payer: String
        var currency, rate, description: String?
        var payerPartner, payerName: String?

        enum CodingKeys: String, CodingKey {
            case kind, amount, payer, currency, rate, description
            case payerPartner = "payer_partner"
            case payerName = "payer_name"
        }
    }

    struct RemoveInput: Decodable { var line: String }

    struct Line {
        var id, kind, amount, rate, xof, payer: String
        var description: String?
    }

    struct Figure {
        var label, value: String
    }

    struct View {
        var heading, intro, sessionPath, course: String
        var lines: [Line]
        var hasLines: Bool
        var totals: [Figure]
        var people: String
        var manage: Bool
        var fields: [FormField]
    }

    func show(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let done = request.formQuery.get("done")
        let flash: PageContext.Flash? = done.flatMap { ["added", "removed"].contains($0) ? .ok([page.t("cooperation.costs.\($0)")]) : nil }
        return try await render(page, code: code, form: Self.form(nil, page), flash: flash)
    }

    func add(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: Input.self)
        do {
            try await SessionCosts(repository: repository).add(
                CostLineInput(
                    sessionCode: code, kind: input.kind, description: input.description, amount: input.amount, currency: input.currency, rate: input.rate,
                    payer: input.payer, payerPartner: input.payerPartner, payerName: input.payerName), actor: user.actor)
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            var form = Self.form(input, page)
            form.place(error, page.language)
            return try await render(page, code: code, form: form, flash: form.flash, status: .unprocessableContent)
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))/costs", done: "added")
    }

    func remove(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: RemoveInput.self)
        guard let id = UUID(uuidString: input.line) else { throw KalanError.invalid(field: "line", problem: .format(.identifier)) }
        try await SessionCosts(repository: repository).remove(sessionCode: code, lineID: id, actor: user.actor)
        return page.redirect("/sessions/\(PageRequest.segment(code))/costs", done: "removed")
    }

    static func form(_ input: Input?, _ page: PageRequest) -> AdminForm {
        let language = page.language
        let kind = input?.kind ?? CostKind.tuition.rawValue, payer = input?.payer ?? PayerKind.partner.rawValue
        let currency = input?.currency ?? "XOF"
        var fields: [FormField] = [
            .choose(
                "kind", page.t("field.kind"), CostKind.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == kind) }),
            .text("amount", page.t("field.amount"), input?.amount, max: 40, required: true),
            .choose(
                "currency", page.t("field.currency"), Currency.known.map { SelectOption(code: $0.code, label: $0.code, selected: $0.code == currency) }),
            .text("rate", page.t("field.rate"), input?.rate, max: 40),
            .choose(
                "payer", page.t("field.payer"), PayerKind.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0.rawValue == payer) }),
            .text("payer_partner", page.t("field.payer_partner"), input?.payerPartner, max: 32),
            .text("payer_name", page.t("field.payer_name"), input?.payerName, max: 200),
            .text("description", page.t("field.description"), input?.description, max: 200),
        ]
        fields[3].hint = page.t("cooperation.costs.rate_hint")
        fields[5].hint = page.t("cooperation.costs.payer_partner_hint")
        fields[6].hint = page.t("cooperation.costs.payer_name_hint")
        fields[1].autocomplete = "off"
        return AdminForm(fields)
    }

    func render(_ page: PageRequest, code: String, form: AdminForm, flash: PageContext.Flash?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = try page.requireUser()
        let language = page.language
        let sheet = try await SessionCosts(repository: repository).sheet(sessionCode: code, actor: user.actor)
        let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
        let course = catalogue.courses.first { $0.id == sheet.session.courseID }
        func francs(_ value: Int64?) -> String { value.map { Money.group($0, exponent: 0, language) + " F CFA" } ?? "–" }
        let lines = sheet.lines.map { l in
            Line(
                id: l.id.uuidString.lowercased(), kind: l.kind.name(in: language), amount: "\(l.amount.text(language)) \(l.amount.currency.code)",
                rate: l.amount.currency == .xof ? "–" : l.rate.text(language), xof: francs(l.xof),
                payer: l.payer == .state ? l.funder(language) : "\(l.funder(language)) (\(l.payer.name(in: language)))", description: l.description)
        }
        let counts = sheet.counts, total = sheet.totalXOF
        let totals = [
            Figure(label: page.t("cooperation.costs.total"), value: francs(total)),
            Figure(label: page.t("cooperation.costs.by_partner"), value: francs(sheet.total(paidBy: .partner))),
            Figure(label: page.t("cooperation.costs.by_state"), value: francs(sheet.total(paidBy: .state))),
            Figure(label: page.t("cooperation.costs.by_other"), value: francs(sheet.total(paidBy: .other))),
            Figure(label: page.t("cooperation.costs.per_participant"), value: francs(MoneyFigures.share(total, counts.participants))),
            Figure(label: page.t("cooperation.costs.per_completion"), value: francs(MoneyFigures.share(total, counts.completions))),
            Figure(label: page.t("cooperation.costs.per_certificate"), value: francs(MoneyFigures.share(total, counts.certificates))),
        ]
        let view = View(
            heading: page.t("cooperation.costs.title", ["session": sheet.session.code]), intro: page.t("cooperation.costs.intro"),
            sessionPath: PageRequest.segment(sheet.session.code), course: course.map { "\($0.title(in: language)) · \(sheet.partnerName)" } ?? sheet.partnerName,
            lines: lines, hasLines: !lines.isEmpty, totals: totals,
            people: page.t(
                "cooperation.costs.people",
                ["participants": "\(counts.participants)", "completions": "\(counts.completions)", "certificates": "\(counts.certificates)"]),
            manage: user.actor.managesRegister, fields: form.fields)
        return page.render("session_costs", title: view.heading, view: view, flash: flash ?? form.flash, wide: true, status: status)
    }
}
