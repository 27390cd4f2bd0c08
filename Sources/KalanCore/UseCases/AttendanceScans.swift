import Crypto
import Foundation

/// The signed sign-in sheet of a day, scanned (PDF, JPEG or PNG, told by its content), kept as that
/// day's evidence. Those who record the session's attendance add scans; anyone who may see the
/// session reads them. A scan is never replaced: a second one is kept beside the first; every
/// upload is audited.
public struct AttendanceScans: Sendable {
    /// 10 MiB: a phone photograph or a multi-page scan at 300 dpi fits.
    public static let maxBytes = 10 << 20

    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock) {
        self.repository = repository
        self.clock = clock
    }

    public struct Upload: Sendable {
        public var scan: AttendanceScan
        /// False when the very same file was already kept for the day (nothing added).
        public var added: Bool
    }

    public func upload(sessionCode: String, day: Day, fileName: String?, content: Data, actor: Actor) async throws -> Upload {
        guard !content.isEmpty else { throw KalanError.invalid(field: "scan", problem: .required) }
        guard content.count <= Self.maxBytes else { throw KalanError.tooLarge(maxBytes: Self.maxBytes) }
        guard let type = ScanMediaType(content: content) else {
            throw KalanError.invalid(field: "scan", problem: .oneOf(ScanMediaType.allCases.map(\.label)))
        }
        let digest = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        let name = Self.cleanName(fileName, day: day, type: type)
        let now = clock.now()
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            guard actor.canRecord(for: session) else { throw KalanError.forbidden }
            guard session.trainingDays.contains(day) else { throw KalanError.rule(.dayOutsideSession(day: day)) }
            let scan = AttendanceScan(
                sessionCode: session.code, day: day, mediaType: type, fileName: name, size: content.count, sha256: digest, uploadedBy: actor.name,
                uploadedAt: now)
            guard try await work.insert(scan, sessionID: session.id, content: content) else {
                let kept = try await work.attendanceScans(sessionID: session.id, day: day).first { $0.sha256 == digest } ?? scan
                return Upload(scan: kept, added: false)
            }
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "attendance_scan.add", entity: .session, entityID: session.code,
                    after: Audited(id: scan.id, day: day.description, type: type.rawValue, file: name, bytes: content.count, sha256: digest)))
            return Upload(scan: scan, added: true)
        }
    }

    public func scans(sessionCode: String, day: Day?, actor: Actor) async throws -> [AttendanceScan] {
        try await repository.statement { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session) else {
                throw KalanError.notFound(.session, key: sessionCode)
            }
            return try await work.attendanceScans(sessionID: session.id, day: day)
        }
    }

    public func file(sessionCode: String, id: UUID, actor: Actor) async throws -> (scan: AttendanceScan, content: Data) {
        try await repository.statement { work in
            guard let session = try await work.session(code: sessionCode), actor.canSee(session),
                let found = try await work.attendanceScan(id: id, sessionID: session.id)
            else { throw KalanError.notFound(.session, key: sessionCode) }
            return found
        }
    }

    /// The scans of the sessions in a staff member's history (for those who read the register).
    public func scans(traineeID: UUID, actor: Actor) async throws -> [AttendanceScan] {
        guard actor.role != .trainer else { return [] }
        return try await repository.statement { work in try await work.attendanceScans(traineeID: traineeID) }
    }

    struct Audited: Encodable {
        var id: UUID
        var day, type, file: String
        var bytes: Int
        var sha256: String
    }

    /// The name as given, without folders or control characters, at most 200 characters; a name
    /// made of the day when none is given.
    static func cleanName(_ given: String?, day: Day, type: ScanMediaType) -> String {
        let last = (given ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.properties.generalCategory != .control }))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "scan-\(day).\(type.fileExtension)" : String(clean.prefix(200))
    }
}
