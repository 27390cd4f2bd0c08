import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanFiles
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("HR pages: search, enrolment by picking, waitlist promotion, confirmations, imports, staff records, rights")
struct HRPageTests {
    /// APIFixture plus a two-seat session S-2 and two people to find by name.
    static func fixture(_ pool: PostgresPool) async throws -> APIFixture {
        let f = try await APIFixture.make(pool)
        let repository = PostgresRepository(pool: pool)
        try await Register(repository: repository).addSession(
            .init(
                code: "S-2", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2030-05-06", endsOn: "2030-05-10", mode: "online", capacity: 2,
                enrolmentDeadline: "2030-04-01", status: "open"),
            actor: .commandLine(user: "test"))
        try await repository.transaction { work in
            try await work.insert(Trainee(staffNumber: "MCE-2019-00123", givenName: "Moussa", familyName: "Sylla", sex: .male))
            try await work.insert(Trainee(staffNumber: "MCE-2020-00007", givenName: "Aminata", familyName: "Traoré", sex: .female))
        }
        return f
    }

    static func multipart(_ client: some TestClientProtocol, _ uri: String, _ cookie: String, csrf: String, file: [UInt8], name: String) async throws -> (
        status: Int, body: String
    ) {
        let boundary = "kalan-test-boundary"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie]
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    @Test func hrFindsByAccentlessNameWithACountAndEnrolsByPicking() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await Self.fixture(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let found = try await Pages.get(client, "/trainees?search=traore&lang=en", hr)
                #expect(found.status == 200 && found.body.contains("MCE-2020-00007") && found.body.contains("1 staff member(s) found."))
                let both = try await Pages.get(client, "/trainees?search=sylla%20moussa&lang=en", hr)
                #expect(both.body.contains("MCE-2019-00123"))
                let keita = try await Pages.get(client, "/trainees?search=KEITA&lang=en", hr)
                #expect(keita.body.contains("40 staff member(s) found."))

                // The session page finds people and offers them as boxes to tick.
                let picker = try await Pages.get(client, "/sessions/S-2?find=keita&lang=en", hr)
                #expect(picker.status == 200 && picker.body.contains("40 staff members found; the first 25 are shown"))
                #expect(picker.body.contains(#"type="checkbox" name="pick_1""#))
                let token = try Pages.csrf(picker.body)
                let enrolled = try await Pages.post(client, "/sessions/S-2/enrolments?lang=en", hr, "csrf=\(token)&pick_1=T-21&pick_2=T-22&pick_3=T-23")
                #expect(enrolled.status == 200)
                #expect(enrolled.body.contains("Awa Keïta (T-21): enrolled, a seat is taken."))
                #expect(enrolled.body.contains("Awa Keïta (T-22): enrolled, a seat is taken."))
                #expect(enrolled.body.contains("Awa Keïta (T-23): waitlisted, position 1."))
                #expect(enrolled.body.contains("2 of 2 seat(s) taken, 0 left · 1 waitlisted"))

                // Withdrawing asks first; without the confirmation nothing changes.
                let asked = try await Pages.post(client, "/sessions/S-2/decision?lang=en", hr, "csrf=\(token)&staff=T-21&action=withdraw")
                #expect(asked.status == 200 && asked.body.contains("Withdraw Awa Keïta (T-21) from session S-2?"))
                let status = try await pool.query(
                    "SELECT e.status FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = 'T-21' AND e.session_id = (SELECT id FROM training_session WHERE code = 'S-2')"
                ).first?.decode("status", as: String.self)
                #expect(status == "enrolled")
                let page = try await Pages.get(client, "/sessions/S-2/confirm?staff=T-21&action=withdraw&lang=en", hr)
                #expect(page.status == 200 && page.body.contains(#"name="confirmed" value="1""#))
                let done = try await Pages.post(client, "/sessions/S-2/decision?lang=en", hr, "csrf=\(token)&staff=T-21&action=withdraw&confirmed=1&reason=mission")
                #expect(done.status == 200)
                #expect(done.body.contains("Awa Keïta (T-21): withdrawn from the session."))
                #expect(done.body.contains("Awa Keïta (T-23): promoted from the waitlist, a seat is taken."))
                // Each line's history is on the page.
                #expect(done.body.contains("promotion"))
            }
        }
    }

    @Test func adminOverridesAPrerequisiteWithAReasonAndHRCannot() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await Self.fixture(pool)
            let repository = PostgresRepository(pool: pool)
            try await Register(repository: repository).addCourse(
                .init(code: "5G", titleFR: "5G", titleEN: "5G", domain: "5g", hours: 10, prerequisiteCodes: ["TEL"]), actor: .commandLine(user: "test"))
            try await Register(repository: repository).addSession(
                .init(
                    code: "S-5G", courseCode: "5G", partnerCode: "ITRC", startsOn: "2030-09-02", endsOn: "2030-09-06", mode: "online", capacity: 5,
                    enrolmentDeadline: "2030-08-01", status: "open"),
                actor: .commandLine(user: "test"))
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let hrPage = try await Pages.get(client, "/sessions/S-5G?lang=en", hr)
                #expect(!hrPage.body.contains(#"name="override""#))
                let refused = try await Pages.post(client, "/sessions/S-5G/enrolments?lang=en", hr, "csrf=\(try Pages.csrf(hrPage.body))&pick_1=T-30")
                #expect(refused.status == 422 && refused.body.contains("Awa Keïta (T-30): refused"))
                let admin = try await Pages.signIn(client, "admin")
                let adminPage = try await Pages.get(client, "/sessions/S-5G?lang=en", admin)
                #expect(adminPage.body.contains(#"name="override""#))
                let allowed = try await Pages.post(
                    client, "/sessions/S-5G/enrolments?lang=en", admin, "csrf=\(try Pages.csrf(adminPage.body))&pick_1=T-30&override=equivalent%20training%20abroad")
                #expect(allowed.status == 200 && allowed.body.contains("override: equivalent training abroad"))
            }
        }
    }

    @Test func importsAWindows1252FileAndAnXLSXWorkbook() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await Self.fixture(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let register = try await Pages.get(client, "/trainees?lang=en", hr)
                let token = try Pages.csrf(register.body)
                var file = Array("Matricule;Prénom;Nom;Sexe;Direction;Commentaire\r\n".unicodeScalars.map { UInt8($0.value) })
                file += Array("IMP-1;Aminata;Touré;F;télécoms;x\r\n".unicodeScalars.map { UInt8($0.value) })
                let imported = try await Self.multipart(client, "/trainees/import?lang=en&csrf=\(token)", hr, csrf: token, file: file, name: "personnel.csv")
                #expect(imported.status == 200 && imported.body.contains("1 added"))
                #expect(imported.body.contains("File read as Windows-1252 (Excel) and converted to Unicode."))
                #expect(imported.body.contains("Unknown column &quot;Commentaire&quot;: ignored.") || imported.body.contains("Unknown column \"Commentaire\": ignored."))
                let name = try await pool.query("SELECT family_name FROM trainee WHERE staff_number = 'IMP-1'").first?.decode("family_name", as: String.self)
                #expect(name == "Touré")

                let workbook = XLSXWorkbook(sheets: [
                    .init(name: "Feuil1", rows: [[.text("matricule"), .text("prénom"), .text("nom"), .text("sexe")], [.text("IMP-2"), .text("Assétou"), .text("Sangaré"), .text("F")]])
                ])
                let xlsx = try await Self.multipart(client, "/trainees/import?lang=en&csrf=\(token)", hr, csrf: token, file: Array(workbook.data()), name: "staff.xlsx")
                #expect(xlsx.status == 200 && xlsx.body.contains("Excel workbook read (first sheet)."))
                let second = try await pool.query("SELECT family_name FROM trainee WHERE staff_number = 'IMP-2'").first?.decode("family_name", as: String.self)
                #expect(second == "Sangaré")

                // A bad line names the column as the file's header says it, and nothing is kept.
                let bad = Array("Matricule;Prénom;Nom;Genre\nIMP-3;Awa;Diarra;X\n".utf8)
                let refused = try await Self.multipart(client, "/trainees/import?lang=en&csrf=\(token)", hr, csrf: token, file: bad, name: "bad.csv")
                #expect(refused.status == 422 && refused.body.contains("<td data-label=\"column\">Genre</td>"))
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number = 'IMP-3'").first?.decode("n", as: Int.self) == 0)

                let codes = try await Pages.get(client, "/trainees/departments?lang=en", hr)
                #expect(codes.status == 200 && codes.body.contains("DNT") && codes.body.contains("Télécoms"))
            }
        }
    }

    @Test func hrAddsEditsDeactivatesAfterConfirmationAndReactivates() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await Self.fixture(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let form = try await Pages.get(client, "/trainees/new?lang=en", hr)
                #expect(form.status == 200)
                let token = try Pages.csrf(form.body)
                let wrong = try await Pages.post(
                    client, "/trainees/new?lang=en", hr, "csrf=\(token)&staff_number=NEW-1&family_name=Diarra&given_name=Awa&sex=F&email=not-a-mail")
                #expect(wrong.status == 422 && wrong.body.contains("field-error"))
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number = 'NEW-1'").first?.decode("n", as: Int.self) == 0)
                let added = try await Pages.post(
                    client, "/trainees/new?lang=en", hr, "csrf=\(token)&staff_number=NEW-1&family_name=Diarra&given_name=Awa&sex=F&department=DNT&category=B1")
                #expect(added.status == 303 && added.location?.hasPrefix("/trainees/NEW-1") == true)
                let edit = try await Pages.get(client, "/trainees/NEW-1/edit?lang=en", hr)
                let version = try Pages.version(edit.body)
                let saved = try await Pages.post(
                    client, "/trainees/NEW-1/edit?lang=en", hr,
                    "csrf=\(token)&version=\(version)&family_name=Diarra%20Kon%C3%A9&given_name=Awa&sex=F&department=DNT&category=A&position=Ing%C3%A9nieure")
                #expect(saved.status == 303)
                let stale = try await Pages.post(
                    client, "/trainees/NEW-1/edit?lang=en", hr, "csrf=\(token)&version=\(version)&family_name=Other&given_name=Awa&sex=F")
                #expect(stale.status == 412, "a form read at an older version is refused")
                let page = try await Pages.get(client, "/trainees/NEW-1?lang=en", hr)
                #expect(page.body.contains("Diarra Koné") && page.body.contains("Ingénieure") && page.body.contains("/trainees/NEW-1/deactivate"))
                let asked = try await Pages.post(client, "/trainees/NEW-1/active?lang=en", hr, "csrf=\(token)&active=0")
                #expect(asked.status == 200 && asked.body.contains(#"name="confirmed" value="1""#))
                #expect(try await pool.query("SELECT active FROM trainee WHERE staff_number = 'NEW-1'").first?.decode("active", as: Bool.self) == true)
                let off = try await Pages.post(client, "/trainees/NEW-1/active?lang=en", hr, "csrf=\(token)&active=0&confirmed=1")
                #expect(off.status == 303)
                #expect(try await pool.query("SELECT active FROM trainee WHERE staff_number = 'NEW-1'").first?.decode("active", as: Bool.self) == false)
                let on = try await Pages.post(client, "/trainees/NEW-1/active?lang=en", hr, "csrf=\(token)&active=1")
                #expect(on.status == 303)
                #expect(try await pool.query("SELECT active FROM trainee WHERE staff_number = 'NEW-1'").first?.decode("active", as: Bool.self) == true)
            }
        }
    }

    @Test func rolesThatMayNotChangeTheRegisterGetAPageSaying403() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await Self.fixture(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                for path in ["/trainees/new", "/trainees/T-1/edit", "/trainees/departments", "/trainees/T-1/deactivate", "/sessions/S-1/confirm?staff=T-1&action=withdraw"] {
                    let answer = try await Pages.get(client, path + (path.contains("?") ? "&" : "?") + "lang=en", trainer)
                    #expect([403, 404].contains(answer.status) && answer.body.contains("<html"), "\(path): \(answer.status)")
                }
                let viewer = try await Pages.signIn(client, "viewer")
                let seen = try await Pages.get(client, "/sessions/S-2?find=keita&lang=en", viewer)
                #expect(seen.status == 200 && !seen.body.contains("pick_1"))
                let token = try Pages.csrf(seen.body)
                let refused = try await Pages.post(client, "/sessions/S-2/enrolments?lang=en", viewer, "csrf=\(token)&pick_1=T-21")
                #expect(refused.status == 403)
                #expect(try await Pages.get(client, "/trainees/new?lang=en", viewer).status == 403)
                let posted = try await Pages.post(client, "/trainees/new?lang=en", viewer, "csrf=\(token)&staff_number=V-1&family_name=X&given_name=Y&sex=F")
                #expect(posted.status == 403)
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number = 'V-1'").first?.decode("n", as: Int.self) == 0)
            }
        }
    }
}
