import Foundation

/// A staff member's training history as stored: every enrolment, newest session first.
public protocol TraineeHistoryStore: Sendable {
    func enrolments(traineeID: UUID) async throws -> [Enrolment]
}
