import Foundation

/// What a printed sign-in sheet (feuille d'émargement) of a session shows: the session, its course,
/// partner and place, its trainers, the days to sign, and the seat holders in the roster's order.
public struct SignInSheetContent: Sendable, Hashable {
    public struct Person: Sendable, Hashable {
        public var staffNumber, fullName: String
        public var department: String?

        public init(staffNumber: String, fullName: String, department: String?) {
            (self.staffNumber, self.fullName, self.department) = (staffNumber, fullName, department)
        }
    }

    public var session: TrainingSession
    public var course: Course?
    public var partner: Partner?
    public var trainers: [String]
    /// One page each, in order.
    public var days: [Day]
    public var people: [Person]

    public init(session: TrainingSession, course: Course?, partner: Partner?, trainers: [String], days: [Day], people: [Person]) {
        (self.session, self.course, self.partner, self.trainers, self.days, self.people) = (session, course, partner, trainers, days, people)
    }

    /// "Bamako (Mali)", "en ligne", "Bamako (Mali), hybride".
    public func place(_ language: Language) -> String {
        if session.mode == .online { return session.mode.name(in: language) }
        let city = session.city.map { Names.city($0, language) }
        let country = session.country.map { Names.country($0, language) }
        let place = [city, country.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return session.mode == .hybrid ? "\(place), \(session.mode.name(in: language))" : place
    }

    /// The path of a day's attendance page (after the public URL).
    public func attendancePath(_ day: Day) -> String {
        let code = session.code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? session.code
        return "/sessions/\(code)/attendance?day=\(day)"
    }
}
