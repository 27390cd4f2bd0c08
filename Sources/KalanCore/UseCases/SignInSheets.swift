import Foundation

/// The printed sign-in sheets of a session (feuille d'émargement): who signs, on which days. Read by
/// anyone who may see the session; the seat holders (enrolled, completed, failed) in the roster's order.
public struct SignInSheets: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// Every training day of the session, or only `day` (which must be one of them).
    public func content(sessionCode: String, day: Day? = nil, actor: Actor) async throws -> SignInSheetContent {
        try await repository.statement { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            let days: [Day]
            if let day {
                guard session.trainingDays.contains(day) else { throw KalanError.rule(.dayOutsideSession(day: day)) }
                days = [day]
            } else {
                days = session.trainingDays
            }
            let seated = try await work.roster(sessionID: session.id).filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }
            var trainers: [String] = []
            for id in session.trainerIDs {
                if let user = try await work.user(id: id) { trainers.append(user.displayName) }
            }
            return SignInSheetContent(
                session: session, course: try await work.course(id: session.courseID), partner: try await work.partner(id: session.partnerID),
                trainers: trainers, days: days,
                people: seated.map { .init(staffNumber: $0.trainee.staffNumber, fullName: $0.trainee.fullName, department: $0.departmentCode) })
        }
    }
}
