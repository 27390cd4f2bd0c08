import Foundation
import KalanCore
import Postgres

/// The overdue files' notices (sql/migrations/0020_cooperation_notices.sql, notice_schedule_overdue).
extension PostgresUnitOfWork {
    func scheduleOverdueNotices(on day: Day) async throws -> Int {
        try await query("SELECT notice_schedule_overdue(\(day)) AS n").first?.decode("n", as: Int.self) ?? 0
    }
}
