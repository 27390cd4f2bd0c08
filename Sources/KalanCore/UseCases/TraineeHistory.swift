import Foundation

/// A staff member as HR sees them: the record, and every enrolment with its status history and
/// certificate. Trainers do not see the register.
public struct TraineeHistory: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    public struct Entry: Sendable {
        public var session: TrainingSession
        public var course: Course?
        public var enrolment: Enrolment
        public var history: [EnrolmentEvent]
        public var certificate: Certificate?
    }

    public struct Profile: Sendable {
        public var trainee: Trainee
        public var department: Department?
        public var entries: [Entry]
    }

    public func profile(staffNumber: String, actor: Actor) async throws -> Profile {
        guard actor.role != .trainer else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let trainee = try await work.trainee(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
            let department = trainee.departmentID == nil ? nil : try await work.departments().first { $0.id == trainee.departmentID }
            var entries: [Entry] = []
            for enrolment in try await work.enrolments(traineeID: trainee.id) {
                guard let session = try await work.session(id: enrolment.sessionID) else { continue }
                entries.append(
                    Entry(
                        session: session, course: try await work.course(id: session.courseID), enrolment: enrolment,
                        history: try await work.history(of: enrolment.id), certificate: try await work.certificate(enrolmentID: enrolment.id)))
            }
            return Profile(trainee: trainee, department: department, entries: entries)
        }
    }
}
