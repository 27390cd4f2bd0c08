import Hummingbird
import KalanCore

/// The sessions a signed-in person may see: trainers their own, everyone else all of them.
struct SessionListPage: Sendable {
    let repository: any KalanRepository

    struct Row {
        var code, path, course, dates, place: String
        var capacity: Int
        var status: String
    }

    struct View {
        var statuses: [SelectOption]
        var rows: [Row]
        var hasRows, creates: Bool
    }

    func render(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        var filter = SessionFilter()
        filter.order = .startsOnDescending
        filter.limit = 500
        if let text = request.formQuery.get("status"), !text.isEmpty {
            guard let status = SessionStatus(rawValue: text) else {
                throw KalanError.invalid(field: "status", problem: .oneOf(SessionStatus.allCases.map { $0.name(in: page.language) }))
            }
            filter.status = status
        }
        let query = filter
        let found = try await SessionQueries(repository: repository).list(query, actor: user.actor)
        let rows = found.sessions.map { s in
            Row(
                code: s.code, path: PageRequest.segment(s.code), course: found.courses[s.courseID]?.title(in: page.language) ?? "",
                dates: "\(Format.shortDay(s.startsOn, page.language)) → \(Format.shortDay(s.endsOn, page.language))", place: SessionText.place(s, page.language),
                capacity: s.capacity, status: s.status.name(in: page.language))
        }
        let options = SelectOption.all(SessionStatus.self, chosen: filter.status, page.language)
        return page.render("sessions", title: page.t("sessions.title"), view: View(statuses: options, rows: rows, hasRows: !rows.isEmpty, creates: user.actor.managesRegister), wide: true)
    }
}

/// How pages write a session's facts.
enum SessionText {
    /// "Téhéran (Iran)", "en ligne", "Bamako (Mali), hybride".
    static func place(_ session: TrainingSession, _ language: Language) -> String {
        if session.mode == .online { return session.mode.name(in: language) }
        let city = session.city.map { Names.city($0, language) }
        let country = session.country.map { Names.country($0, language) }
        let place = [city, country.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return session.mode == .hybrid ? "\(place), \(session.mode.name(in: language))" : place
    }

    static func meta(_ session: TrainingSession, _ language: Language) -> String {
        Messages.text(
            "roster.meta", language,
            [
                "from": Format.day(session.startsOn, language), "to": Format.day(session.endsOn, language),
                "days": String(session.trainingDays.count), "place": place(session, language),
            ])
    }
}
