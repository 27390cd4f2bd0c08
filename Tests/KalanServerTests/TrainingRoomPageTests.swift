import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Training room: the sign-in sheet PDF from the roster, the API; the signed scan kept, shown, refused when not a PDF or image")
struct TrainingRoomPageTests {
    static func bytes(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws -> (status: Int, type: String?, body: Data) {
        try await client.execute(uri: uri, method: .get, headers: headers) { (Int($0.status.code), $0.headers[.contentType], Data($0.body.readableBytesView)) }
    }

    /// Runs a poppler/zbar command on `pdf` (written as s.pdf in a temporary folder); its output.
    static func tool(_ command: String, _ pdf: Data) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-room-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try pdf.write(to: folder.appendingPathComponent("s.pdf"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus != 127, "tool missing (make test installs poppler-utils and zbar-tools): \(command)")
        return String(decoding: output, as: UTF8.self)
    }

    static func upload(_ client: some TestClientProtocol, _ cookie: String, csrf: String, day: String, file: [UInt8], name: String) async throws -> (
        status: Int, body: String, location: String?
    ) {
        let boundary = "kalan-room-boundary"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"day\"\r\n\r\n\(day)\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie]
        return try await client.execute(uri: "/sessions/S-1/attendance/scans?day=\(day)&lang=en", method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
            (Int($0.status.code), String(buffer: $0.body), $0.headers[.location])
        }
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("a photographed sheet".utf8)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("a second photograph".utf8)

    @Test func signInSheetFromTheRosterPageAndTheAPIListsEveryoneWithTheDaysQRCode() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let roster = try await Pages.get(client, "/sessions/S-1?lang=fr", trainer)
                #expect(roster.body.contains(#"href="/sessions/S-1/sign-in-sheet.pdf?lang=fr""#))
                #expect(roster.body.contains("Feuille d&#39;émargement à imprimer (PDF)"))
                let attendance = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05&lang=fr", trainer)
                #expect(attendance.body.contains(#"href="/sessions/S-1/sign-in-sheet.pdf?day=2030-03-05&amp;lang=fr""#))

                let sheet = try await Self.bytes(client, "/sessions/S-1/sign-in-sheet.pdf?day=2030-03-05&lang=fr", [.cookie: trainer])
                #expect(sheet.status == 200 && sheet.type == "application/pdf")
                let text = try Self.tool("pdftotext -layout s.pdf -", sheet.body)
                let words = Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
                for i in 1...20 { #expect(words.contains("T-\(i)"), "staff number T-\(i)") }
                #expect(text.components(separatedBy: "Awa Keïta").count - 1 == 20)
                #expect(text.contains("FEUILLE D'ÉMARGEMENT") && text.contains("Mardi 5 mars 2030") && text.contains("DNT") == false)
                let qr = try Self.tool("pdftoppm -r 150 -png -f 1 -l 1 s.pdf p && zbarimg --raw -q p-1.png", sheet.body)
                #expect(qr.trimmingCharacters(in: .whitespacesAndNewlines) == "http://test/sessions/S-1/attendance?day=2030-03-05")

                // Every training day without ?day=: sixteen people fit on a page, so two pages a day.
                let all = try await Self.bytes(client, "/sessions/S-1/sign-in-sheet.pdf?lang=en", [.cookie: trainer])
                let info = try Self.tool("pdfinfo s.pdf; pdftotext s.pdf -", all.body)
                #expect(info.contains("SIGN-IN SHEET") && info.contains("Friday 8 March 2030"))
                #expect(info.contains(/Pages:\s+10\n/))

                // A day outside the session, or not a date: said, no PDF.
                let outside = try await Pages.get(client, "/sessions/S-1/sign-in-sheet.pdf?day=2030-03-09&lang=en", trainer)
                #expect(outside.status == 422)
                let garbled = try await Pages.get(client, "/sessions/S-1/sign-in-sheet.pdf?day=tomorrow&lang=en", trainer)
                #expect(garbled.status == 400 || garbled.status == 422)
                // A trainer of another session does not even learn that it exists.
                let stranger = try await Pages.signIn(client, "stranger")
                let hidden = try await Pages.get(client, "/sessions/S-1/sign-in-sheet.pdf", stranger)
                #expect(hidden.status == 404)

                // The API: the same PDF for a token, 404 for a trainer not assigned.
                let api = try await Self.bytes(client, "/api/v1/sessions/S-1/sign-in-sheet.pdf?day=2030-03-04&lang=en", f.headers("hr"))
                #expect(api.status == 200 && api.type == "application/pdf" && api.body.starts(with: Array("%PDF-".utf8)))
                let apiText = try Self.tool("pdftotext s.pdf -", api.body)
                #expect(apiText.contains("Monday 4 March 2030"))
                let strangerAPI = try await Self.bytes(client, "/api/v1/sessions/S-1/sign-in-sheet.pdf", f.headers("stranger"))
                #expect(strangerAPI.status == 404)
                let anonymous = try await Self.bytes(client, "/api/v1/sessions/S-1/sign-in-sheet.pdf", f.headers(nil))
                #expect(anonymous.status == 401)
            }
        }
    }

    @Test func aScanIsKeptBesideTheFirstAuditedShownInTheHistoryAndRefusedWhenNotAnImageOrTooLarge() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let page = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-04&lang=en", trainer)
                #expect(page.body.contains(#"enctype="multipart/form-data""#) && page.body.contains("No signed sheet has been uploaded for this day yet."))
                let csrf = try Pages.csrf(page.body)

                let first = try await Self.upload(client, trainer, csrf: csrf, day: "2030-03-04", file: Self.png, name: "feuille lundi.png")
                #expect(first.status == 303 && first.location?.contains("done=scan") == true)
                let again = try await Self.upload(client, trainer, csrf: csrf, day: "2030-03-04", file: Self.png, name: "copie.png")
                #expect(again.location?.contains("done=scan_same") == true)
                let second = try await Self.upload(client, trainer, csrf: csrf, day: "2030-03-04", file: Self.jpeg, name: "photo.jpg")
                #expect(second.location?.contains("done=scan") == true && second.location?.contains("scan_same") == false)

                // Refused: a text file named .pdf, an empty one, one over 10 MiB; nothing kept.
                let text = try await Self.upload(client, trainer, csrf: csrf, day: "2030-03-04", file: Array("not a scan at all".utf8), name: "scan.pdf")
                #expect(text.status == 422 && text.body.contains("PDF, JPEG, PNG"))
                let big = try await Self.upload(client, trainer, csrf: csrf, day: "2030-03-04", file: Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: 10 << 20), name: "big.pdf")
                #expect(big.status == 413 && big.body.contains("10 MB"))
                let count = try await pool.query("SELECT count(*) AS n FROM attendance_scan").first?.decode("n", as: Int.self)
                #expect(count == 2)

                // Shown on the day's page, served back as kept, under the type its content showed.
                let shown = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-04&lang=en&done=scan", trainer)
                #expect(shown.body.contains("Signed sheet uploaded.") && shown.body.contains("feuille lundi.png") && shown.body.contains("photo.jpg"))
                #expect(shown.body.contains("PNG, 0 KB, uploaded by user:trainer"))
                let link = try #require(shown.body.firstMatch(of: /href="(\/sessions\/S-1\/attendance\/scans\/[0-9a-f-]+)">feuille lundi.png/)).1
                let file = try await Self.bytes(client, String(link), [.cookie: trainer])
                #expect(file.status == 200 && file.type == "image/png" && [UInt8](file.body) == Self.png)
                let otherDay = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05&lang=en", trainer)
                #expect(!otherDay.body.contains("feuille lundi.png"))

                // Audited; never changed nor removed, even in SQL.
                let audited = try await pool.query("SELECT count(*) AS n FROM audit_event WHERE action = 'attendance_scan.add' AND entity_id = 'S-1'").first?
                    .decode("n", as: Int.self)
                #expect(audited == 2)
                await #expect(throws: (any Error).self) { _ = try await pool.query("DELETE FROM attendance_scan") }
                await #expect(throws: (any Error).self) { _ = try await pool.query("UPDATE attendance_scan SET file_name = 'x'") }

                // In the staff member's history.
                let hr = try await Pages.signIn(client, "hr")
                let history = try await Pages.get(client, "/trainees/T-1?lang=en", hr)
                #expect(history.body.contains("Signed sheets") && history.body.contains("feuille lundi.png"))

                // A viewer reads the scans but cannot add one; a stranger trainer does not see the session.
                let viewer = try await Pages.signIn(client, "viewer")
                let viewerPage = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-04&lang=en", viewer)
                #expect(viewerPage.body.contains("photo.jpg") && !viewerPage.body.contains(#"enctype="multipart/form-data""#))
                let refused = try await Self.upload(client, viewer, csrf: try Pages.csrf(viewerPage.body), day: "2030-03-04", file: Self.png + [1], name: "v.png")
                #expect(refused.status == 403)
                let stranger = try await Pages.signIn(client, "stranger")
                let strangerFile = try await Self.bytes(client, String(link), [.cookie: stranger])
                #expect(strangerFile.status == 404)
            }
        }
    }

    @Test func theAPIKeepsAScanToldByItsContentAndListsTheDaysScans() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                func post(_ role: String, _ file: [UInt8], type: String = "application/octet-stream", name: String? = "sheet") async throws -> (Int, String) {
                    var headers = f.headers(role, extra: [.contentType: type])
                    if let name { headers[HTTPField.Name("X-File-Name")!] = name }
                    return try await client.execute(uri: "/api/v1/sessions/S-1/attendance/2030-03-06/scans", method: .post, headers: headers, body: ByteBuffer(bytes: file)) {
                        (Int($0.status.code), String(buffer: $0.body))
                    }
                }
                let added = try await post("trainer", Self.png, type: "image/png", name: "C:\\scans\\mercredi.png")
                #expect(added.0 == 201 && added.1.contains(#""mediaType":"image\/png""#) && added.1.contains(#""fileName":"mercredi.png""#))
                let same = try await post("hr", Self.png)
                #expect(same.0 == 200)
                // The Content-Type says PNG, the content is a PDF: kept as a PDF.
                let pdf = try await post("admin", Array("%PDF-1.7 signed".utf8), type: "image/png")
                #expect(pdf.0 == 201 && pdf.1.contains(#""mediaType":"application\/pdf""#))
                let junk = try await post("trainer", Array("<html>not a scan</html>".utf8), type: "application/pdf")
                #expect(junk.0 == 422 && junk.1.contains("PDF, JPEG, PNG"))
                #expect(try await post("viewer", Self.jpeg).0 == 403)
                #expect(try await post("stranger", Self.jpeg).0 == 404)
                let outside = try await client.execute(
                    uri: "/api/v1/sessions/S-1/attendance/2030-03-09/scans", method: .post, headers: f.headers("trainer", extra: [.contentType: "image/jpeg"]),
                    body: ByteBuffer(bytes: Self.jpeg)
                ) { Int($0.status.code) }
                #expect(outside == 422)
                let list = try await client.execute(uri: "/api/v1/sessions/S-1/attendance/2030-03-06/scans", method: .get, headers: f.headers("viewer")) {
                    (Int($0.status.code), String(buffer: $0.body))
                }
                #expect(list.0 == 200 && list.1.components(separatedBy: #""sha256""#).count - 1 == 2)
            }
        }
    }

    @Test func theOfflineScriptServiceWorkerAndManifestAreServedUnderTheContentPolicy() async throws {
        try await TestDatabase.withPool(maxConnections: 4) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let page = try await client.execute(uri: "/sessions/S-1/attendance?day=2030-03-04&lang=fr", method: .get, headers: [.cookie: trainer]) { $0 }
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && policy.contains("worker-src 'self'") && policy.contains("manifest-src 'self'"))
                let html = String(buffer: page.body)
                #expect(html.contains(#"<script src="/assets/attendance-offline.js" defer></script>"#))
                #expect(html.contains(#"<link rel="manifest" href="/manifest.webmanifest">"#))
                #expect(html.contains(#"data-pending="{count} pas encore envoyée(s) : gardée(s) sur cet appareil""#))
                // No inline script: the page works without JavaScript, the form posts as before.
                #expect(!html.contains("<script>") && html.contains(#"<form method="post" action="/sessions/S-1/attendance?day=2030-03-04&amp;lang=fr" id="sheet""#))
                let script = try await Self.bytes(client, "/assets/attendance-offline.js", [:])
                #expect(script.status == 200 && script.type?.hasPrefix("text/javascript") == true)
                let worker = try await Self.bytes(client, "/sw.js", [:])
                let workerText = String(decoding: worker.body, as: UTF8.self)
                #expect(worker.status == 200 && !workerText.contains("__TEXTS__") && workerText.contains("Hors ligne"))
                let manifest = try await Self.bytes(client, "/manifest.webmanifest?lang=en", [:])
                let parsed = try JSONSerialization.jsonObject(with: manifest.body)
                let json = try #require(parsed as? [String: Any])
                #expect(json["start_url"] as? String == "/sessions?lang=en" && json["display"] as? String == "standalone")
                let icon = try await Self.bytes(client, "/assets/kalan-icon-192.png", [:])
                #expect(icon.status == 200 && icon.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
        }
    }
}
