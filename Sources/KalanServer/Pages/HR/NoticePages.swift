import Foundation
import Hummingbird
import KalanCore
import KalanPrint

/// The notices in the pages (HR and admins): per session (from the roster) and per staff member
/// (from their page), what was sent, when, by which channel, delivered or failed, with a button
/// to send one again; a staff member's language or silence; a department head's contact.
struct NoticePages: Sendable {
    let desk: NoticeDesk
    let repository: any KalanRepository

    func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("notices") { request, _ in try await failed(request) }
        group.post("notices/resend") { request, _ in try await resend(request) }
        group.get("sessions/:code/notices") { request, context in try await session(request, code: try PageRoutes.code(context)) }
        group.post("sessions/:code/notices/resend") { request, context in try await resend(request, session: try PageRoutes.code(context)) }
        group.get("trainees/:staffNumber/notices") { request, context in try await person(request, staffNumber: try HRRoutes.staff(context)) }
        group.post("trainees/:staffNumber/notices/resend") { request, context in try await resend(request, staffNumber: try HRRoutes.staff(context)) }
        group.post("trainees/:staffNumber/notices/preferences") { request, context in
            try await savePreferences(request, staffNumber: try HRRoutes.staff(context))
        }
        group.get("sessions/:code/convocations.pdf") { request, context in try await convocations(request, code: try PageRoutes.code(context)) }
        group.get("departments/:code/contact") { request, context in try await contact(request, code: try PageRoutes.code(context)) }
        group.post("departments/:code/contact") { request, context in try await saveContact(request, code: try PageRoutes.code(context)) }
    }

    struct Row {
        var id, created, kind, recipient, channel, address, status, statusClass, attempts: String
        var person, staffPath: String?
        var sent, error: String?
        var resendable: Bool
    }

    struct Preferences {
        var fr, en, off: Bool
    }

    struct View {
        var heading, back, backLabel, action: String
        var notes: [String]
        var rows: [Row]
        var hasRows, hasFailed: Bool
        var preferences: Preferences?
        var preferencesAction: String?
    }

    func session(_ request: Request, code: String, flash: PageContext.Flash? = nil) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let notices = try await desk.notices(NoticeFilter(sessionCode: code), actor: actor)
        let path = "/sessions/\(PageRequest.segment(code))"
        let view = self.view(
            page, notices, heading: page.t("notice.page.title_session", ["session": code]), back: path, backLabel: code, action: "\(path)/notices/resend")
        return page.render("notices", title: view.heading, view: view, flash: flash, wide: true)
    }

    /// Every notice that failed for good, whatever its session: HR's list to act on.
    func failed(_ request: Request, flash: PageContext.Flash? = nil) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let notices = try await desk.notices(NoticeFilter(status: .failed), actor: actor)
        let view = self.view(page, notices, heading: page.t("notice.page.title_failed"), back: "/sessions", backLabel: page.t("layout.sessions"), action: "/notices/resend")
        return page.render("notices", title: view.heading, view: view, flash: flash, wide: true)
    }

    func person(_ request: Request, staffNumber: String, flash: PageContext.Flash? = nil) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let preferences = try await desk.preferences(staffNumber: staffNumber, actor: actor)
        let notices = try await desk.notices(NoticeFilter(staffNumber: staffNumber), actor: actor)
        let path = "/trainees/\(PageRequest.segment(staffNumber))"
        var view = self.view(
            page, notices, heading: page.t("notice.page.title_person", ["name": notices.first?.facts.personName ?? staffNumber]), back: path,
            backLabel: staffNumber, action: "\(path)/notices/resend")
        view.preferences = Preferences(fr: preferences.language == .fr, en: preferences.language == .en, off: preferences.off)
        view.preferencesAction = "\(path)/notices/preferences"
        return page.render("notices", title: view.heading, view: view, flash: flash, wide: true)
    }

    func view(_ page: PageRequest, _ notices: [Notice], heading: String, back: String, backLabel: String, action: String) -> View {
        let language = page.language
        var notes: [String] = []
        switch (desk.channels.contains(.email), desk.channels.contains(.sms)) {
        case (false, false): notes.append(page.t("notice.page.unconfigured"))
        case (true, false): notes.append(page.t("notice.page.sms_unconfigured"))
        case (false, true): notes.append(page.t("notice.page.email_unconfigured"))
        case (true, true): break
        }
        let unreachable = Set(notices.filter { $0.status == .unreachable }.compactMap(\.traineeID)).count
        if unreachable > 0 { notes.append(page.t("notice.page.unreachable", ["count": String(unreachable)])) }
        let rows = notices.map { n in
            Row(
                id: String(n.id), created: Self.time(n.createdAt, language), kind: page.t("notice.kind.\(n.kind.rawValue)"),
                recipient: page.t("notice.recipient.\(n.recipient.rawValue)") + " · " + n.recipientName, channel: page.t("notice.channel.\(n.channel.rawValue)"),
                address: n.address ?? "", status: page.t("notice.status.\(n.status.rawValue)"), statusClass: n.status.rawValue, attempts: String(n.attempts),
                person: n.facts.staffNumber.map { _ in n.facts.personName }, staffPath: n.facts.staffNumber.map(PageRequest.segment),
                sent: n.sentAt.map { Self.time($0, language) }, error: n.lastError, resendable: n.status == .sent || n.status == .failed)
        }
        return View(
            heading: heading, back: back, backLabel: backLabel, action: action, notes: notes, rows: rows, hasRows: !rows.isEmpty,
            hasFailed: notices.contains { $0.status == .failed })
    }

    struct ResendInput: Decodable {
        /// One notice; none: every failed one of the page.
        var id: String?
    }

    func resend(_ request: Request, session code: String? = nil, staffNumber: String? = nil) async throws -> Response {
        let page = PageRequest(request)
        let input = try await page.form(as: ResendInput.self)
        let actor = try page.requireUser().actor
        let count: Int
        if let id = input.id.flatMap({ Int64($0) }) {
            count = try await desk.resend(ids: [id], actor: actor)
        } else {
            count = try await desk.resendFailed(NoticeFilter(sessionCode: code, staffNumber: staffNumber), actor: actor)
        }
        let flash = PageContext.Flash.ok([page.t("notice.page.resent", ["count": String(count)])])
        if let staffNumber { return try await person(request, staffNumber: staffNumber, flash: flash) }
        guard let code else { return try await failed(request, flash: flash) }
        return try await session(request, code: code, flash: flash)
    }

    struct PreferencesInput: Decodable {
        var language: String
        var off: String?
    }

    func savePreferences(_ request: Request, staffNumber: String) async throws -> Response {
        let page = PageRequest(request)
        let input = try await page.form(as: PreferencesInput.self)
        let actor = try page.requireUser().actor
        let language = try Validate.choice(input.language, as: Language.self, field: "language")
        try await desk.setPreferences(staffNumber: staffNumber, NoticePreferences(language: language, off: input.off != nil), actor: actor)
        return try await person(request, staffNumber: staffNumber, flash: .ok([page.t("notice.prefs.saved")]))
    }

    struct ContactView {
        var code, action, back: String
        var name, email, phone: String
    }

    func contact(_ request: Request, code: String, given: DepartmentContact? = nil, flash: PageContext.Flash? = nil) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let stored = try await desk.departmentContact(code: code, actor: actor)
        let shown = given ?? stored
        let view = ContactView(
            code: code, action: "/departments/\(PageRequest.segment(code))/contact", back: "/trainees/departments", name: shown.name ?? "",
            email: shown.email ?? "", phone: shown.phone ?? "")
        return page.render("notices_contact", title: page.t("notice.contact.title"), view: view, flash: flash)
    }

    struct ContactInput: Decodable {
        var name: String?
        var email: String?
        var phone: String?
    }

    func saveContact(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let input = try await page.form(as: ContactInput.self)
        let actor = try page.requireUser().actor
        let contact = DepartmentContact(name: input.name, email: input.email, phone: input.phone)
        do {
            try await desk.setDepartmentContact(code: code, contact, actor: actor)
        } catch let error as KalanError {
            guard case .invalid = error else { throw error }
            return try await self.contact(request, code: code, given: contact, flash: .bad([error.message(in: page.language)]))
        }
        return try await self.contact(request, code: code, flash: .ok([page.t("notice.contact.saved")]))
    }

    /// The convocations of a session's seat holders, one page each, to print (HR).
    func convocations(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let (session, lines) = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor)
        let details = try await SessionQueries(repository: repository).rosterDetails(of: session, expanding: nil, actor: actor)
        let partner = try await CatalogueQueries(repository: repository).partners(actor: actor).first { $0.id == session.partnerID }
        let language = page.language
        let place: String
        if session.mode == .online {
            place = page.t("notice.online")
        } else {
            let city = session.city.map { Names.city($0, language) } ?? ""
            place = page.t("notice.place", ["city": city, "country": session.country.map { Names.country($0, language) } ?? ""])
        }
        let letters = lines.filter { $0.enrolment.status == .enrolled }.map { line in
            ConvocationLetter(
                personName: line.trainee.fullName, staffNumber: line.trainee.staffNumber, session: session.code, course: details.course?.title(in: language) ?? "",
                startsOn: session.startsOn, endsOn: session.endsOn, place: place, partner: partner?.name ?? "",
                signatory: desk.signatory ?? page.t("notice.convocation.signatory"), issuedOn: desk.today())
        }
        let pdf = try ConvocationRenderer().render(letters, language: language)
        return CertificatePages.download(pdf, type: "application/pdf", name: "convocations-\(session.code).pdf")
    }

    /// `03/12/2026 14:05` (UTC) / `2026-12-03 14:05`.
    static func time(_ date: Date, _ language: Language) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
        let inDay = seconds - day.ordinal * 86_400
        return Format.shortDay(day, language) + String(format: " %02d:%02d", inDay / 3600, inDay % 3600 / 60)
    }
}
