import Foundation

/// A signed sign-in sheet, scanned or photographed, kept as the evidence of one session day.
public struct AttendanceScan: Sendable, Hashable, Codable {
    public var id: UUID
    public var sessionCode: String
    public var day: Day
    public var mediaType: ScanMediaType
    public var fileName: String
    public var size: Int
    public var sha256: String
    public var uploadedBy: String
    public var uploadedAt: Date

    public init(
        id: UUID = UUID(), sessionCode: String, day: Day, mediaType: ScanMediaType, fileName: String, size: Int, sha256: String, uploadedBy: String,
        uploadedAt: Date
    ) {
        (self.id, self.sessionCode, self.day, self.mediaType, self.fileName) = (id, sessionCode, day, mediaType, fileName)
        (self.size, self.sha256, self.uploadedBy, self.uploadedAt) = (size, sha256, uploadedBy, uploadedAt)
    }
}

/// The kinds of file a scan may be, told by their first bytes (never by the file's name).
public enum ScanMediaType: String, Sendable, Codable, CaseIterable {
    case pdf = "application/pdf", jpeg = "image/jpeg", png = "image/png"

    /// `%PDF-`, JPEG's SOI marker, PNG's eight-byte signature; nil for anything else.
    public init?(content: Data) {
        let head = [UInt8](content.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) {
            self = .pdf
        } else if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }

    public var label: String {
        switch self {
        case .pdf: "PDF"
        case .jpeg: "JPEG"
        case .png: "PNG"
        }
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        }
    }
}

/// The scans as stored: added, never changed nor removed (the database refuses both).
public protocol AttendanceScanStore: Sendable {
    /// False when the same file (same digest) is already kept for that day.
    func insert(_ scan: AttendanceScan, sessionID: UUID, content: Data) async throws -> Bool
    /// A session's scans, of one day or of all, oldest first.
    func attendanceScans(sessionID: UUID, day: Day?) async throws -> [AttendanceScan]
    func attendanceScan(id: UUID, sessionID: UUID) async throws -> (scan: AttendanceScan, content: Data)?
    /// The scans of the days of every session a trainee holds or held a seat in, newest first.
    func attendanceScans(traineeID: UUID) async throws -> [AttendanceScan]
}
