import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// The signed sign-in sheet of a day, scanned: uploaded on that day's attendance page (a form with a
/// file, no script needed), listed there and on the staff member's page, and served back as kept.
struct AttendanceScanPage: Sendable {
    let repository: any KalanRepository
    let clock: WallClock
    let attendance: AttendancePage

    /// A kept scan as a page lists it.
    struct Line {
        var name, meta, path: String
    }

    var scans: AttendanceScans { AttendanceScans(repository: repository, clock: clock) }

    /// The largest body the upload route reads: the scan and the form around it.
    static let bodyLimit = AttendanceScans.maxBytes + 64 * 1024

    func upload(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        guard request.head.isSameOrigin else { throw PageError.foreignForm }
        let day = request.formQuery.get("day").flatMap { Day($0) }
        guard page.user != nil else {
            // The session expired while the file was chosen: sign in, then back to the day's page.
            let back = PageRequest.encode("/sessions/\(PageRequest.segment(code))/attendance?day=\(day?.description ?? "")&lang=\(page.language.rawValue)")
            return Response(status: .seeOther, headers: [.location: "/login?lang=\(page.language.rawValue)&next=\(back)"])
        }
        let data = try await request.body.collect(upTo: Self.bodyLimit)
        guard let form = MultipartForm(body: Array(data.readableBytesView), contentType: request.headers[.contentType] ?? "") else {
            throw PageError.foreignForm
        }
        try page.check([], token: form.text("csrf"))
        let actor = try page.requireUser().actor
        guard let day = form.text("day").flatMap({ Day($0) }) ?? day else { throw KalanError.invalid(field: "day", problem: .format(.date)) }
        do {
            let done = try await scans.upload(
                sessionCode: code, day: day, fileName: form.fileName("scan"), content: Data(form["scan"] ?? []), actor: actor)
            return page.redirect("/sessions/\(PageRequest.segment(code))/attendance?day=\(day)", done: done.added ? "scan" : "scan_same")
        } catch let error as KalanError {
            // A wrong or too large file: the day's page again, saying why, nothing kept.
            switch error {
            case .invalid(field: "scan", _), .tooLarge:
                let sheet = try await attendance.recording.attendanceSheet(sessionCode: code, day: day, actor: actor)
                let status: HTTPResponse.Status = if case .tooLarge = error { .contentTooLarge } else { .unprocessableContent }
                return try await attendance.render(page, sheet: sheet, flash: .bad([error.message(in: page.language)]), status: status)
            default: throw error
            }
        }
    }

    /// The kept file, as uploaded, under the type its content showed.
    func file(_ request: Request, code: String, id: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard let uuid = UUID(uuidString: id) else { throw KalanError.notFound(.session, key: code) }
        let (scan, content) = try await scans.file(sessionCode: code, id: uuid, actor: actor)
        let ascii = String(scan.fileName.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        return Response(
            status: .ok,
            headers: [
                .contentType: scan.mediaType.rawValue, .contentDisposition: "inline; filename=\"\(ascii)\"", .cacheControl: "private, max-age=86400, immutable",
            ],
            body: .init(byteBuffer: .init(bytes: content)))
    }

    /// The lines a page shows for kept scans: the file's name, its type and size, who added it, when.
    static func lines(_ found: [AttendanceScan], language: Language, withDay: Bool = false) -> [Line] {
        found.map { scan in
            let values = [
                "type": scan.mediaType.label, "size": Format.number(Double(scan.size) / 1024, decimals: 0, language), "by": scan.uploadedBy,
                "at": Format.shortDay(Day.of(scan.uploadedAt), language), "day": Format.shortDay(scan.day, language),
            ]
            return Line(
                name: scan.fileName, meta: Messages.text(withDay ? "room.scan.meta_day" : "room.scan.meta", language, values),
                path: "/sessions/\(PageRequest.segment(scan.sessionCode))/attendance/scans/\(scan.id.uuidString.lowercased())")
        }
    }
}
