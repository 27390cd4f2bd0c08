import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// `/offers`: partners' offers with their shares per department (places, nominated, free), the
/// sessions they became; HR records offers, shares places, creates sessions and releases the
/// places of offers whose day has come. Everyone but trainers reads.
struct OffersPage: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    var offers: OfferPlaces { OfferPlaces(repository: repository, clock: clock) }

    struct ShareRow {
        var department, places, taken, free: String
    }

    struct Card {
        var code, path, title, facts, places, deadline: String
        var released: String?
        var partnerPays, ministryPays: String
        var shares: [ShareRow]
        var hasShares: Bool
        var sessions: String
    }

    struct View {
        var cards: [Card]
        var hasCards, manage: Bool
        var departments: [SelectOption]
    }

    func list(_ request: Request, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let language = page.language
        let found = try await offers.list(actor: user.actor)
        let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
        func kinds(_ list: [CostKind]) -> String { list.isEmpty ? page.t("offers.nothing") : list.map { $0.name(in: language) }.joined(separator: ", ") }
        let cards = found.map { o in
            let course = catalogue.courses.first { $0.code == o.courseCode }.map { $0.title(in: language) } ?? o.courseCode
            let place = [o.city.map { Names.city($0, language) }, Names.country(o.country, language)].compactMap { $0 }.joined(separator: ", ")
            return Card(
                code: o.code, path: PageRequest.segment(o.code), title: o.title,
                facts: page.t("offers.facts", ["partner": o.partnerName, "course": course, "place": place, "dates": Format.span(o.startsOn, o.endsOn, language)]),
                places: page.t("offers.places", ["places": "\(o.places)", "shared": "\(o.shared)", "unshared": "\(o.unshared)"]),
                deadline: page.t("offers.deadline", ["deadline": Format.day(o.deadline, language), "release": Format.day(o.releaseOn, language)]),
                released: o.releasedAt.map { page.t("offers.released", ["day": Format.day(Day.of($0), language)]) },
                partnerPays: page.t("offers.partner_pays", ["kinds": kinds(o.partnerPays)]), ministryPays: page.t("offers.ministry_pays", ["kinds": kinds(o.ministryPays)]),
                shares: o.shares.map { ShareRow(department: "\($0.departmentCode) — \($0.name(in: language))", places: "\($0.places)", taken: "\($0.taken)", free: "\($0.free)") },
                hasShares: !o.shares.isEmpty,
                sessions: o.sessionCodes.isEmpty ? page.t("offers.no_session") : page.t("offers.sessions", ["codes": o.sessionCodes.joined(separator: ", ")]))
        }
        let view = View(
            cards: cards, hasCards: !cards.isEmpty, manage: user.actor.managesRegister,
            departments: catalogue.departments.map { SelectOption(code: $0.code, label: "\($0.code) — \($0.name(in: language))", selected: false) })
        let done = request.formQuery.get("done")
        let shown = flash ?? done.flatMap { ["created", "shared", "session"].contains($0) ? .ok([page.t("offers.done.\($0)")]) : nil }
        return page.render("offers", title: page.t("offers.title"), view: view, flash: shown, wide: true, status: status)
    }

    struct NewInput: Decodable {
        var code, partner, course, title, country, startsOn, endsOn, deadline, releaseOn: String
        var city: String?
        @WholeNumber var places: Int
        var partnerPays: [String]

        enum CodingKeys: String, CodingKey {
            case code, partner, course, title, country, deadline, city, places
            case startsOn = "starts_on"
            case endsOn = "ends_on"
            case releaseOn = "release_on"
            case partnerPays = "partner_pays"
        }
    }

    func form(_ input: NewInput?, _ page: PageRequest, catalogue: CatalogueQueries.Catalogue) -> AdminForm {
        let language = page.language
        func options(_ items: [(String, String)], _ chosen: String?) -> [SelectOption] { items.map { SelectOption(code: $0.0, label: $0.1, selected: $0.0 == chosen) } }
        return AdminForm([
            .text("code", page.t("admin.col.code"), input?.code, max: 32, required: true),
            .choose("partner", page.t("offers.col.partner"), options(catalogue.partners.map { ($0.code, $0.name) }, input?.partner)),
            .choose("course", page.t("sessions.col.course"), options(catalogue.courses.map { ($0.code, "\($0.code) — \($0.title(in: language))") }, input?.course)),
            .text("title", page.t("admin.col.title"), input?.title, max: 200, required: true),
            .text("city", page.t("offers.col.city"), input?.city, max: 100),
            .choose("country", page.t("admin.col.country"), SelectOption.countries(chosen: input?.country ?? "IR", language)),
            .text("places", page.t("field.places"), input.map { "\($0.places)" }, max: 5, required: true, type: "number"),
            .text("starts_on", page.t("admin.field.starts_on"), input?.startsOn, max: 10, required: true, type: "date"),
            .text("ends_on", page.t("admin.field.ends_on"), input?.endsOn, max: 10, required: true, type: "date"),
            .text("deadline", page.t("field.deadline"), input?.deadline, max: 10, required: true, type: "date"),
            .text("release_on", page.t("field.release_on"), input?.releaseOn, max: 10, required: true, type: "date"),
            .many(
                "partner_pays", page.t("field.partner_pays"),
                CostKind.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: input?.partnerPays.contains($0.rawValue) ?? false) }),
        ])
    }

    func showNew(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        guard user.actor.managesRegister else { throw KalanError.forbidden }
        let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
        return renderNew(page, form: form(nil, page, catalogue: catalogue))
    }

    func renderNew(_ page: PageRequest, form: AdminForm, status: HTTPResponse.Status = .ok) -> Response {
        let view = FormView(
            heading: page.t("offers.new_title"), intro: page.t("offers.intro"), action: "/offers/new?lang=\(page.language.rawValue)",
            submit: page.t("offers.create"), back: "/offers?lang=\(page.language.rawValue)", backLabel: page.t("offers.title"), fields: form.fields, editable: true)
        return page.render("admin_form", title: view.heading, view: view, flash: form.flash, status: status)
    }

    func create(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: NewInput.self)
        do {
            try await offers.create(
                OfferInput(
                    code: input.code, partner: input.partner, course: input.course, title: input.title, city: input.city, country: input.country, places: input.places,
                    startsOn: input.startsOn, endsOn: input.endsOn, deadline: input.deadline, releaseOn: input.releaseOn, partnerPays: input.partnerPays),
                actor: user.actor)
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            let catalogue = try await CatalogueQueries(repository: repository).labels(actor: user.actor)
            var form = self.form(input, page, catalogue: catalogue)
            form.place(error, page.language)
            return renderNew(page, form: form, status: .unprocessableContent)
        }
        return page.redirect("/offers", done: "created")
    }

    struct ShareInput: Decodable {
        var department: String
        @WholeNumber var places: Int
    }

    struct SessionInput: Decodable { var session: String }

    func share(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: ShareInput.self)
        return try await change(request, done: "shared") {
            try await offers.share(offerCode: code, departmentCode: input.department, places: input.places, actor: user.actor)
        }
    }

    func session(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let input = try await page.form(as: SessionInput.self)
        return try await change(request, done: "session") { try await offers.createSession(offerCode: code, sessionCode: input.session, actor: user.actor) }
    }

    func release(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        _ = try await page.form()
        let released = try await offers.releaseDue(actor: user.actor)
        return try await list(request, flash: .ok([page.t("offers.done.released", ["count": "\(released.count)"])]))
    }

    /// A refusal shows the list again with the message on top.
    func change(_ request: Request, done: String, _ body: () async throws -> some Sendable) async throws -> Response {
        let page = PageRequest(request)
        do {
            _ = try await body()
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            return try await list(request, flash: .bad([error.message(in: page.language)]), status: .unprocessableContent)
        }
        return page.redirect("/offers", done: done)
    }
}
