import Foundation
import KalanCore
import Postgres

/// Reading the cohort index's facts from PostgreSQL: everything at the first look, then the staff
/// members whose figures changed since the snapshot of the last look.
extension PostgresUnitOfWork {
    /// Must run inside a transaction (the first look reads through a cursor).
    func refreshed(_ index: CohortIndex) async throws -> CohortSnapshot {
        while true {
            let last = await index.look
            // Taken before reading: whatever this snapshot does not see is read again next time.
            let now = try await query(Self.look).firstRow()
            let snapshot = try now.decode("now", as: String.self)
            let database = try now.decode("database", as: String.self)
            // The log of changes keeps a million transactions (0010_statistics_log.sql): a look
            // older than half that loads everything again rather than trust a pruned log; so does a
            // look at another database (restored, or the server pointed elsewhere).
            guard let last, last.database == database, Self.transactions(from: last.snapshot, to: snapshot) < Self.logHorizon else {
                guard await index.beginLoad(seen: last?.snapshot) else {
                    await index.loaded()
                    continue
                }
                do {
                    // `kalan stats`: the saved image, then (next turn) the changes since it.
                    if last == nil, index.startsFromSaved, let saved = try await savedFacts(database: database, now: snapshot) {
                        await index.endLoad(saved, fromImage: true)
                        continue
                    }
                    let facts = try await everything(snapshot: snapshot, database: database)
                    await index.endLoad(facts)
                    Self.returnFreedMemory()
                    return facts.current
                } catch {
                    await index.endLoad(nil)
                    throw error
                }
            }
            let rows = try await query(Self.changedSince(last.snapshot)).map(Self.row)
            if let facts = await index.apply(base: last.snapshot, snapshot: snapshot, rows: rows) { return facts }
            await index.loaded()
        }
    }

    /// The snapshot, and what identifies the database read: the cluster, the database, and the
    /// change log's table (a restore with `--clean` makes it anew, so a restored database reads
    /// as another one even under the same name).
    static let look: PostgresQuery = """
        SELECT pg_current_snapshot()::text AS now,
               concat_ws('/', (SELECT system_identifier FROM pg_control_system()), (SELECT oid FROM pg_database WHERE datname = current_database()),
                         'stats_change'::regclass::oid) AS database
        """

    /// Everything, a few thousand staff members at a time: the rows read are dropped as they are
    /// filed, so that loading a million enrolments does not need their text at once.
    func everything(snapshot: String, database: String) async throws -> CohortFacts {
        var facts = CohortFacts(snapshot: snapshot, database: database)
        // Room for every staff member at once (PostgreSQL's estimate): no rehash while the index grows.
        let sizes = try await query("SELECT greatest(reltuples, 0)::int AS trainees FROM pg_class WHERE oid = 'trainee'::regclass").firstRow()
        facts.reserve(trainees: try sizes.decode("trainees"))
        try await query(Self.everyone)
        while true {
            let rows = try await query("FETCH 2000 FROM kalan_cohort_facts")
            if rows.isEmpty { break }
            for row in rows { facts.replace(try Self.row(row)) }
        }
        try await query("CLOSE kalan_cohort_facts")
        return facts
    }

    /// Gives the pages freed by the first load (the rows' text) back to the system: glibc keeps
    /// them in its per-thread arenas otherwise, about 60 MB at a million enrolments.
    static func returnFreedMemory() {
        #if os(Linux)
            _ = glibcMallocTrim(0)
        #endif
    }

    /// How many transactions a look may lag behind before the index loads everything again.
    static let logHorizon: UInt64 = 500_000

    /// Transactions begun between two snapshots (`xmin:xmax:xip…`), by their xmin.
    static func transactions(from earlier: String, to later: String) -> UInt64 {
        func xmin(_ snapshot: String) -> UInt64 { snapshot.split(separator: ":").first.flatMap { UInt64($0) } ?? 0 }
        let (a, b) = (xmin(earlier), xmin(later))
        return b > a ? b - a : 0
    }

    static func row(_ row: PostgresRow) throws -> CohortFacts.Row {
        CohortFacts.Row(
            id: try row.decode("id"), sex: try row.decode("sex"), category: try row.decode("category"),
            department: try row.decode("department_id"), facts: try row.decode("facts", as: String?.self) ?? "")
    }

    /// One enrolment as "session ordinal,status,present days,marked days,pre,post,certificate".
    static let record = """
        s.ordinal || ',' || (array_position(ARRAY[\(EnrolmentStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ","))]::text[], e.status) - 1)
          || ',' || coalesce(a.present, 0) || ',' || coalesce(a.marked, 0)
          || ',' || coalesce((pre.score * 100)::int, -1) || ',' || coalesce((post.score * 100)::int, -1)
          || ',' || CASE WHEN cert.id IS NULL THEN 0 WHEN cert.revoked_at IS NULL THEN 1 ELSE 2 END
        """

    static let results = """
        LEFT JOIN assessment pre ON pre.enrolment_id = e.id AND pre.kind = 'pre'
        LEFT JOIN assessment post ON post.enrolment_id = e.id AND post.kind = 'post'
        LEFT JOIN certificate cert ON cert.enrolment_id = e.id
        """

    static let everyone = PostgresQuery(
        stringLiteral: """
            DECLARE kalan_cohort_facts NO SCROLL CURSOR FOR
            SELECT t.id, t.sex, coalesce(t.category, '') AS category, t.department_id, f.facts
            FROM (
                SELECT e.trainee_id, string_agg(\(record), ';') AS facts
                FROM enrolment e JOIN training_session s ON s.id = e.session_id
                LEFT JOIN (
                    SELECT enrolment_id, count(*) FILTER (WHERE status = 'present') AS present, count(*) FILTER (WHERE status <> 'excused') AS marked
                    FROM attendance GROUP BY enrolment_id
                ) a ON a.enrolment_id = e.id
                \(results)
                GROUP BY e.trainee_id
            ) f JOIN trainee t ON t.id = f.trainee_id
            """)

    /// The staff members whose figures changed since `snapshot`, whole; one who no longer exists
    /// comes with no facts, which removes them from the figures.
    static func changedSince(_ snapshot: String) -> PostgresQuery {
        """
        SELECT c.trainee_id AS id, coalesce(t.sex, '') AS sex, coalesce(t.category, '') AS category, t.department_id, f.facts
        FROM (
            SELECT DISTINCT trainee_id FROM stats_change
            WHERE changed >= pg_snapshot_xmin(\(snapshot)::pg_snapshot) AND NOT pg_visible_in_snapshot(changed, \(snapshot)::pg_snapshot)
        ) c LEFT JOIN trainee t ON t.id = c.trainee_id
        LEFT JOIN LATERAL (
            SELECT string_agg(\(unescaped: record), ';') AS facts
            FROM enrolment e JOIN training_session s ON s.id = e.session_id
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE status = 'present') AS present, count(*) FILTER (WHERE status <> 'excused') AS marked
                FROM attendance WHERE enrolment_id = e.id
            ) a ON true
            \(unescaped: results)
            WHERE e.trainee_id = c.trainee_id
        ) f ON true
        """
    }

    /// The sessions that pass the query's filters, with their values for its session dimensions;
    /// the departments, when the query groups or filters by them.
    func selection(_ q: CohortQuery) async throws -> CohortSelection {
        let dimensions = q.by.filter { !$0.isTraineeAttribute }
        var sql: PostgresQuery = """
            SELECT s.ordinal, s.code AS session_code, s.starts_on, c.code AS course_code, c.domain, p.code AS partner_code,
                   coalesce(ps.code, pc.code, '') AS programme_code
            FROM training_session s
            JOIN course c ON c.id = s.course_id
            JOIN partner p ON p.id = s.partner_id
            LEFT JOIN programme ps ON ps.id = s.programme_id
            LEFT JOIN programme pc ON pc.id = c.programme_id
            WHERE true
            """
        sql.append(Self.sessionFilters(q))
        // The same expressions as the direct query, over the same column names.
        var grouped: PostgresQuery = "SELECT ordinal\(unescaped: dimensions.enumerated().map { ", \(Self.expression($1)) AS g\($0)" }.joined()) FROM ("
        grouped.append(sql)
        grouped.append(") cohort")
        let sessions = try await query(grouped).map { row in
            (ordinal: try row.decode(at: 0, as: Int.self), keys: try dimensions.indices.map { try row.decode(at: $0 + 1, as: String?.self) ?? "" })
        }
        var codes: [UUID: String] = [:]
        if q.by.contains(.department) {
            for row in try await query("SELECT id, code FROM department") { codes[try row.decode("id")] = try row.decode("code") }
        }
        var filter: Set<UUID>?
        if let department = q.departmentCode {
            filter = Set(try await query("SELECT id FROM department WHERE code = \(department)").map { try $0.decode("id", as: UUID.self) })
        }
        return CohortSelection(sessions: sessions, departmentCodes: codes, departmentFilter: filter)
    }
}

#if os(Linux)
    /// glibc's `malloc_trim` (malloc.h, which Glibc's module map leaves out).
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
