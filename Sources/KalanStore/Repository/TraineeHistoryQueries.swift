import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork: TraineeHistoryStore {
    func enrolments(traineeID: UUID) async throws -> [Enrolment] {
        try await query(
            """
            SELECT \(unescaped: Self.enrolmentColumns) FROM enrolment e JOIN training_session s ON s.id = e.session_id
            WHERE e.trainee_id = \(traineeID) ORDER BY s.starts_on DESC, s.code
            """
        ).map { try Self.enrolment($0) }
    }
}
