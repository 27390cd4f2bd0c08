import Foundation
import KalanCore
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Synchronization
import Testing

@Suite("Saving an attendance sheet: one read for the sheet, multi-row writes")
struct AttendanceSaveTests {
    static let monday = Day("2030-03-04")!

    /// A session Monday 4 – Friday 8 March 2030 with `count` staff enrolled.
    func enrolled(_ f: WorkflowFixture, count: Int) async throws -> [String] {
        try await f.session("S-1", from: "2030-03-04", to: "2030-03-08", capacity: count + 10)
        let staff = try await f.staff(count)
        for number in staff { try await f.workflow.enrol(staffNumber: number, sessionCode: "S-1", actor: f.hr) }
        return staff
    }

    func marks(_ staff: [String], _ status: AttendanceStatus, day: Day = monday) -> [ResultsRecording.AttendanceMark] {
        staff.map { ResultsRecording.AttendanceMark(staffNumber: $0, day: day, status: status) }
    }

    /// Results recording on a pool that counts the statements with parameters it sends.
    func counting(_ pool: PostgresPool) -> (ResultsRecording, StatementCounter, PostgresPool) {
        let counter = StatementCounter()
        let counted = PostgresPool(configuration: pool.configuration, maxConnections: 1, logger: Logger(label: "count") { _ in counter })
        return (ResultsRecording(repository: PostgresRepository(pool: counted)), counter, counted)
    }

    func audits(_ f: WorkflowFixture) async throws -> [(entityID: String, before: String?, after: String?)] {
        try await f.pool.query("SELECT entity_id, before::text AS before, after::text AS after FROM audit_event WHERE action = 'attendance.record' ORDER BY id")
            .map { (try $0.decode("entity_id"), try $0.decode("before"), try $0.decode("after")) }
    }

    @Test func thirtyMarksAreSavedAndAuditedInTenStatements() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 30)
            let (results, counter, counted) = counting(pool)
            let changedBefore: String = try await pool.query("SELECT coalesce(max(changed), '0')::text AS x FROM stats_change").first!.decode("x")

            counter.reset()
            let versions = try await results.recordAttendance(sessionCode: "S-1", marks: marks(staff, .present), actor: f.hr)
            // The session (1), its lock (2), the lines (1), the sheet's lock (2), the sheet (1),
            // the marks (1), the audit entries (1), the version (1): line by line, 214.
            #expect(counter.count == 10)
            #expect(versions == [Self.monday: "30"])
            #expect(try await f.count("attendance WHERE status = 'present'") == 30)
            let first = try await audits(f)
            #expect(first.count == 30)
            #expect(first.allSatisfy { $0.before == nil && $0.after == #"{"day": "2030-03-04", "status": "present"}"# })
            // The statistics triggers saw every line.
            #expect(try await f.count("stats_change WHERE changed > '\(changedBefore)'::xid8") == 30)

            counter.reset()
            try await results.recordAttendance(sessionCode: "S-1", marks: marks(staff, .absent), actor: f.hr)
            #expect(counter.count == 10)
            let second = try await audits(f).dropFirst(30)
            #expect(second.count == 30)
            #expect(
                second.allSatisfy {
                    $0.before == #"{"day": "2030-03-04", "status": "present"}"# && $0.after == #"{"day": "2030-03-04", "status": "absent"}"#
                })
            #expect(Set(second.map(\.entityID)) == Set(first.map(\.entityID)))
            #expect(try await f.count("attendance WHERE status = 'absent'") == 30)
            await counted.close()
        }
    }

    @Test func aSecondIdenticalSaveChangesNothingAndAuditsNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 30)
            let (results, counter, counted) = counting(pool)
            let first = try await results.recordAttendance(sessionCode: "S-1", marks: marks(staff, .present), actor: f.hr)
            counter.reset()
            let second = try await results.recordAttendance(sessionCode: "S-1", marks: marks(staff, .present), actor: f.hr)
            #expect(counter.count == 8)
            #expect(second == first)
            #expect(try await audits(f).count == 30)
            #expect(try await f.count("attendance") == 30)
            await counted.close()
        }
    }

    @Test func anUnknownOrUnenrolledStaffNumberRefusesTheWholeSave() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 30)
            let outsider = try await f.staff(1, from: 31)[0]
            await #expect(throws: KalanError.notFound(.trainee, key: "MCE-9999")) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: marks(staff + ["MCE-9999"], .present), actor: f.hr)
            }
            await #expect(throws: KalanError.notFound(.enrolment, key: "\(outsider) / S-1")) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: marks(staff + [outsider], .present), actor: f.hr)
            }
            // The first refusal in the order of the marks, as line by line.
            let outside = ResultsRecording.AttendanceMark(staffNumber: staff[0], day: Day("2030-04-01")!, status: .present)
            await #expect(throws: KalanError.rule(.dayOutsideSession(day: Day("2030-04-01")!))) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: [outside] + marks(["MCE-9999"], .present), actor: f.hr)
            }
            await #expect(throws: KalanError.notFound(.trainee, key: "MCE-9999")) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: marks(["MCE-9999"], .present) + [outside], actor: f.hr)
            }
            await #expect(throws: KalanError.notFound(.session, key: "S-9")) {
                try await f.results.recordAttendance(sessionCode: "S-9", marks: marks(staff, .present), actor: f.hr)
            }
            await #expect(throws: KalanError.forbidden) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: marks(staff, .present), actor: Actor(name: "user:viewer", role: .viewer))
            }
            #expect(try await f.count("attendance") == 0)
            #expect(try await audits(f).isEmpty)
        }
    }

    @Test func lowerCaseStaffNumbersFindTheirLines() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 3)
            try await f.results.recordAttendance(
                sessionCode: "S-1", marks: marks(staff.map { $0.lowercased() }, .excused) + marks([staff[0].lowercased()], .present, day: Day("2030-03-05")!),
                actor: f.hr)
            let sheet = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr)
            #expect(sheet.lines.map(\.staffNumber).sorted() == staff)
            #expect(sheet.lines.allSatisfy { $0.status == .excused })
            #expect(try await f.count("attendance WHERE day = '2030-03-05' AND status = 'present'") == 1)
            #expect(try await audits(f).count == 4)
        }
    }

    @Test func aLineAndDayGivenTwiceIsWrittenTwiceInOrder() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 2)
            let versions = try await f.results.recordAttendance(
                sessionCode: "S-1", marks: marks([staff[0], staff[1], staff[0].lowercased()], .present) + marks([staff[0]], .absent), actor: f.hr)
            // Three writes; the third meets a saved mark, so both its BEFORE INSERT and BEFORE
            // UPDATE triggers take a revision (as a single-row upsert does).
            #expect(versions == [Self.monday: "4"])
            #expect(try await f.count("attendance WHERE status = 'absent'") == 1)
            let entries = try await audits(f)
            #expect(entries.map { $0.after?.contains("absent") } == [false, false, true])
            #expect(entries.last?.before == #"{"day": "2030-03-04", "status": "present"}"#)
        }
    }

    @Test func aStaleVersionStillListsTheDifferencesAndKeepsNothing() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await enrolled(f, count: 30)
            let read = try await f.results.attendanceSheet(sessionCode: "S-1", day: Self.monday, actor: f.hr)
            try await f.results.recordAttendance(sessionCode: "S-1", marks: marks(Array(staff[0..<2]), .absent), actor: f.hr)
            let form = marks([staff[0].lowercased()], .present) + marks(Array(staff[1...]), .present)
            await #expect(
                throws: KalanError.attendanceChanged(
                    day: Self.monday,
                    differences: [
                        AttendanceDifference(staffNumber: staff[0], fullName: "Aminata Traoré", wanted: .present, saved: .absent),
                        AttendanceDifference(staffNumber: staff[1], fullName: "Moussa Traoré", wanted: .present, saved: .absent),
                    ])
            ) {
                try await f.results.recordAttendance(sessionCode: "S-1", marks: form, expectedVersion: read.version, actor: f.hr)
            }
            #expect(try await f.count("attendance") == 2)
            #expect(try await audits(f).count == 2)
        }
    }
}

/// Counts the statements with parameters a pool sends (its connections log each at trace level).
final class StatementCounter: LogHandler, @unchecked Sendable {
    private let seen = Mutex(0)
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var count: Int { seen.withLock { $0 } }
    func reset() { seen.withLock { $0 = 0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.message == "query" { seen.withLock { $0 += 1 } }
    }
}
