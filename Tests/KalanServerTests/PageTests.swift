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

/// Helpers of the page tests: a page read with a cookie, a form sent with it, the form token.
enum Pages {
    static func get(_ client: some TestClientProtocol, _ uri: String, _ cookie: String?) async throws -> (status: Int, body: String) {
        try await client.execute(uri: uri, method: .get, headers: cookie.map { [.cookie: $0] } ?? [:]) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ cookie: String?, _ body: String) async throws -> (
        status: Int, body: String, location: String?, setCookie: String?
    ) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            (Int($0.status.code), String(buffer: $0.body), $0.headers[.location], $0.headers[.setCookie])
        }
    }

    static func csrf(_ html: String) throws -> String { try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)).1.description }
    static func version(_ html: String) throws -> String { try #require(html.firstMatch(of: /name="version" value="([^"]*)"/)).1.description }

    static func signIn(_ client: some TestClientProtocol, _ name: String) async throws -> String {
        try #require(WebSessionTests.cookie(try await WebSessionTests.login(client, name, "long-enough-1")))
    }

    /// The mark checked for a line on an attendance sheet.
    static func checked(_ html: String, staff: String) -> String? {
        html.firstMatch(of: try! Regex(#"name="m\.\#(staff)" value="([a-z]+)" checked"#)).map { String($0.output[1].substring ?? "") }
    }
}

@Suite("Pages: attendance sheets that show what is saved and refuse stale saves")
struct AttendancePageTests {
    @Test func theSheetShowsSavedMarksAndUnmarkedDays() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let roster = try await Pages.get(client, "/sessions/S-1?lang=en", trainer)
                #expect(roster.status == 200 && roster.body.contains("/sessions/S-1/attendance") && !roster.body.contains("Enrol staff"))
                let sheet = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05&lang=en", trainer)
                #expect(sheet.status == 200 && Pages.checked(sheet.body, staff: "T-1") == nil, "an unmarked line shows no mark, not 'present'")
                #expect(sheet.body.contains("<th>"), "the sheet has column headers")
                let token = try Pages.csrf(sheet.body), version = try Pages.version(sheet.body)
                let saved = try await Pages.post(
                    client, "/sessions/S-1/attendance?day=2030-03-05&lang=en", trainer,
                    "csrf=\(token)&day=2030-03-05&version=\(version)&m.T-1=absent&m.T-2=excused&m.T-3=present")
                #expect(saved.status == 303 && saved.location?.contains("done=attendance") == true)
                let again = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05&lang=en", trainer)
                #expect(Pages.checked(again.body, staff: "T-1") == "absent" && Pages.checked(again.body, staff: "T-2") == "excused")
                #expect(Pages.checked(again.body, staff: "T-3") == "present" && Pages.checked(again.body, staff: "T-4") == nil)
                #expect(again.body.contains("Days still to mark"))
                let marks = try await pool.query("SELECT count(*) AS n FROM attendance WHERE day = '2030-03-05'").first!.decode("n", as: Int.self)
                #expect(marks == 3)
                let stranger = try await Pages.signIn(client, "stranger")
                #expect(try await Pages.get(client, "/sessions/S-1/attendance", stranger).status == 404)
            }
        }
    }

    @Test func aStaleSheetIsRefusedWithTheDifferencesAndNothingIsOverwritten() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let first = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05", trainer)
                let token = try Pages.csrf(first.body), version = try Pages.version(first.body)
                // Two sheets read at the same version: the first save wins, the second is refused.
                let one = try await Pages.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2030-03-05&version=\(version)&m.T-1=absent")
                #expect(one.status == 303)
                let two = try await Pages.post(client, "/sessions/S-1/attendance?lang=en", trainer, "csrf=\(token)&day=2030-03-05&version=\(version)&m.T-1=present")
                #expect(two.status == 409 && two.body.contains("role=\"alert\"") && two.body.contains("T-1"))
                // The refusal lists the line with what is saved now, and the sheet holds this person's
                // marks over the current version, to apply again with one press (issue 20).
                #expect(two.body.contains("changed meanwhile") && two.body.contains("Save my marks over the current sheet"))
                #expect(Pages.checked(two.body, staff: "T-1") == "present", "the sheet shown again holds the refused marks")
                let saved = try await pool.query("SELECT status FROM attendance WHERE day = '2030-03-05'").first!.decode("status", as: String.self)
                #expect(saved == "absent")
            }
        }
    }

    @Test func formsWithoutTheTokenOrWithABadLineStoreNothing() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let sheet = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05", trainer)
                let token = try Pages.csrf(sheet.body), version = try Pages.version(sheet.body)
                let forged = try await Pages.post(client, "/sessions/S-1/attendance", trainer, "csrf=forged&day=2030-03-05&m.T-1=absent")
                #expect(forged.status == 403 && forged.body.contains("m.T-1"), "nothing saved; the typed marks are offered again")
                let foreign: HTTPFields = [.cookie: trainer, .contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"]
                let other = try await client.execute(uri: "/sessions/S-1/attendance", method: .post, headers: foreign, body: ByteBuffer(string: "csrf=\(token)&m.T-1=absent")) { $0.status }
                #expect(other == .forbidden)
                let outside = try await Pages.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2031-01-01&version=\(version)&m.T-1=absent")
                #expect(outside.status == 422 && outside.body.contains("2031"))
                let unknown = try await Pages.post(client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2030-03-05&version=\(version)&m.T-1=present&m.NOBODY=absent")
                #expect(unknown.status == 404 && unknown.body.contains("NOBODY"))
                let badStatus = try await Pages.post(client, "/sessions/S-1/attendance?lang=en", trainer, "csrf=\(token)&day=2030-03-05&version=\(version)&m.T-1=late")
                #expect(badStatus.status == 422 && badStatus.body.contains("m.T-1"))
                #expect(try await pool.query("SELECT count(*) AS n FROM attendance").first!.decode("n", as: Int.self) == 0)
            }
        }
    }

    @Test func anExpiredSessionKeepsTheFormAndComesBackToItAfterLogin() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                // No cookie: the session expired while the trainer was marking.
                let lost = try await Pages.post(client, "/sessions/S-1/attendance?lang=en", nil, "csrf=old&day=2030-03-05&version=0&m.T-1=absent")
                #expect(lost.status == 401 && lost.body.contains("nothing was saved"))
                #expect(lost.body.contains(#"name="r.m.T-1" value="absent""#) && lost.body.contains(#"name="next" value="/sessions/S-1/attendance?lang=en""#))
                let login = try await Pages.post(
                    client, "/login?lang=en", nil,
                    "username=trainer&password=long-enough-1&next=%2Fsessions%2FS-1%2Fattendance%3Flang%3Den&r.day=2030-03-05&r.version=0&r.m.T-1=absent")
                #expect(login.status == 200 && login.setCookie != nil)
                #expect(login.body.contains(#"action="/sessions/S-1/attendance?lang=en""#) && login.body.contains(#"name="m.T-1" value="absent""#))
                let cookie = try #require(login.setCookie?.split(separator: ";").first.map(String.init))
                let resent = try await Pages.post(client, "/sessions/S-1/attendance?lang=en", cookie, "csrf=\(try Pages.csrf(login.body))&day=2030-03-05&version=0&m.T-1=absent")
                #expect(resent.status == 303)
                #expect(try await pool.query("SELECT count(*) AS n FROM attendance").first!.decode("n", as: Int.self) == 1)
                // A plain visit comes back to the page asked for, and only to this site.
                let plain = try await Pages.post(client, "/login", nil, "username=trainer&password=long-enough-1&next=%2Fsessions%2FS-1")
                #expect(plain.status == 303 && plain.location == "/sessions/S-1")
                let away = try await Pages.post(client, "/login", nil, "username=trainer&password=long-enough-1&next=%2F%2Fevil.example")
                #expect(away.location == "/?lang=fr")
            }
        }
    }
}

@Suite("Pages: scores and results, locked once closed")
struct ResultsPageTests {
    @Test func scoresAllOrNothingThenClosingShowsTheRuleAndWhyLinesFail() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let form = try await Pages.get(client, "/sessions/S-1/scores?lang=en", trainer)
                #expect(form.body.contains("Pre-test") && form.body.contains("Post-test"))
                let token = try Pages.csrf(form.body)
                let bad = try await Pages.post(client, "/sessions/S-1/scores?lang=en", trainer, "csrf=\(token)&pre.T-1=40&post.T-1=75&post.T-2=140")
                #expect(bad.status == 422 && bad.body.contains(#"value="140""#), "the typed values are kept")
                #expect(bad.body.contains(#"aria-invalid="true" aria-describedby="error-post-T-2""#) && bad.body.contains(#"id="error-post-T-2">must be between 0 and 100<"#))
                #expect(try await pool.query("SELECT count(*) AS n FROM assessment").first!.decode("n", as: Int.self) == 0, "nothing of a refused sheet")
                let good = try await Pages.post(client, "/sessions/S-1/scores", trainer, "csrf=\(token)&pre.T-1=40&post.T-1=75&post.T-2=30,5&pre.T-3=")
                #expect(good.status == 303)
                #expect(try await pool.query("SELECT count(*) AS n FROM assessment").first!.decode("n", as: Int.self) == 3)
                for day in 4...8 {
                    let sheet = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-0\(day)", trainer)
                    let saved = try await Pages.post(
                        client, "/sessions/S-1/attendance", trainer, "csrf=\(token)&day=2030-03-0\(day)&version=\(try Pages.version(sheet.body))&m.T-1=present&m.T-2=present")
                    #expect(saved.status == 303)
                }
                let preview = try await Pages.get(client, "/sessions/S-1/results?lang=fr", trainer)
                #expect(preview.body.contains("au moins 50 sur 100") && preview.body.contains("score de sortie 30,5 &lt; 50"))
                let closed = try await Pages.post(client, "/sessions/S-1/results/close?lang=en", trainer, "csrf=\(token)&confirm=1")
                #expect(closed.status == 200 && closed.body.contains("Results closed: 1 completed, 19 failed."))
                // Closed: a score change is refused through the page, and the inputs are locked.
                let locked = try await Pages.post(client, "/sessions/S-1/scores?lang=en", trainer, "csrf=\(token)&post.T-1=20")
                #expect(locked.status == 422 && locked.body.contains("closed"))
                #expect(try await Pages.get(client, "/sessions/S-1/scores", trainer).body.contains(#"value="75" aria-label="Test de sortie Awa Keïta" disabled"#))
                let score = try await pool.query(
                    "SELECT score FROM assessment a JOIN enrolment e ON e.id = a.enrolment_id JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number = 'T-1' AND kind = 'post'"
                ).first!.decode("score", as: Double.self)
                #expect(score == 75)
                // Trainers do not reopen; HR does, with a reason; closing again recomputes.
                #expect(!(try await Pages.get(client, "/sessions/S-1/results", trainer).body.contains("/results/reopen")))
                let hr = try await Pages.signIn(client, "hr")
                let hrToken = try Pages.csrf(try await Pages.get(client, "/sessions/S-1/results", hr).body)
                let noReason = try await Pages.post(client, "/sessions/S-1/results/reopen?lang=en", hr, "csrf=\(hrToken)&reason=&confirm=1")
                #expect(noReason.status == 422)
                let reopened = try await Pages.post(client, "/sessions/S-1/results/reopen?lang=en", hr, "csrf=\(hrToken)&reason=score+mal+saisi&confirm=1")
                #expect(reopened.status == 303)
                #expect(try await Pages.post(client, "/sessions/S-1/scores", trainer, "csrf=\(token)&post.T-2=80").status == 303)
                let again = try await Pages.post(client, "/sessions/S-1/results/close?lang=en", trainer, "csrf=\(token)&confirm=1")
                #expect(again.body.contains("Results closed: 2 completed, 18 failed."))
            }
        }
    }
}

@Suite("Pages: roster, enrolment, register, language")
struct RosterPageTests {
    @Test func hrApprovesRejectsWithAReasonAndWithdrawsFromTheRoster() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let workflow = EnrolmentWorkflow(repository: PostgresRepository(pool: pool), clock: APIFixture.clock)
            for number in ["T-33", "T-34"] { try await workflow.nominate(staffNumber: number, sessionCode: "S-1", actor: .commandLine(user: "t")) }
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let roster = try await Pages.get(client, "/sessions/S-1?lang=en", hr)
                #expect(roster.body.contains(">Approve</button>") && roster.body.contains(">Withdraw</button>") && roster.body.contains("20 of 50 seat(s) taken"))
                let token = try Pages.csrf(roster.body)
                // Each decision answers with the roster and what became of the person (issue 12).
                #expect(try await Pages.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-33&action=approve").status == 200)
                // Rejecting and withdrawing go through a confirmation page first.
                let asked = try await Pages.post(client, "/sessions/S-1/decision?lang=en", hr, "csrf=\(token)&staff=T-34&action=reject&reason=")
                #expect(asked.status == 200 && asked.body.contains(#"name="confirmed" value="1""#))
                let noReason = try await Pages.post(client, "/sessions/S-1/decision?lang=en", hr, "csrf=\(token)&staff=T-34&action=reject&reason=&confirmed=1")
                #expect(noReason.status == 422 && noReason.body.contains("reason is required"))
                #expect(
                    try await Pages.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-34&action=reject&reason=quota+atteint&confirmed=1").status == 200)
                #expect(try await Pages.post(client, "/sessions/S-1/decision", hr, "csrf=\(token)&staff=T-1&action=withdraw&reason=mission&confirmed=1").status == 200)
                let statuses = try await pool.query(
                    "SELECT t.staff_number, e.status FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE t.staff_number IN ('T-1', 'T-33', 'T-34') ORDER BY 1"
                ).map { "\(try $0.decode("staff_number", as: String.self))=\(try $0.decode("status", as: String.self))" }
                #expect(statuses == ["T-1=withdrawn", "T-33=enrolled", "T-34=rejected"])
                let trainer = try await Pages.signIn(client, "trainer")
                let trainerPage = try await Pages.get(client, "/sessions/S-1", trainer)
                #expect(!trainerPage.body.contains("/decision"), "trainers do not decide enrolments")
                let refused = try await Pages.post(client, "/sessions/S-1/decision", trainer, "csrf=\(try Pages.csrf(trainerPage.body))&staff=T-2&action=withdraw&reason=x")
                #expect(refused.status == 403)
            }
        }
    }

    @Test func rule6OtherTrainersSeeNothingAndViewersChangeNothing() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let stranger = try await Pages.signIn(client, "stranger")
                for uri in ["/sessions/S-1", "/sessions/S-1/attendance", "/sessions/S-1/scores", "/sessions/S-1/results"] {
                    #expect(try await Pages.get(client, uri, stranger).status == 404, "\(uri) is hidden from a trainer of another session")
                }
                let viewer = try await Pages.signIn(client, "viewer")
                let results = try await Pages.get(client, "/sessions/S-1/results?lang=en", viewer)
                #expect(results.status == 200 && !results.body.contains("/results/close") && !results.body.contains("/results/reopen"))
                let token = try Pages.csrf(results.body)
                let close = try await Pages.post(client, "/sessions/S-1/results/close?lang=en", viewer, "csrf=\(token)")
                #expect(close.status == 403)
                let sheet = try await Pages.get(client, "/sessions/S-1/attendance?day=2030-03-05", viewer)
                let marks = try await Pages.post(
                    client, "/sessions/S-1/attendance", viewer, "csrf=\(token)&day=2030-03-05&version=\(try Pages.version(sheet.body))&m.T-1=absent")
                #expect(marks.status == 403)
                #expect(try await pool.query("SELECT count(*) AS n FROM attendance").first!.decode("n", as: Int.self) == 0)
                #expect(try await pool.query("SELECT count(*) AS n FROM enrolment WHERE status IN ('completed', 'failed')").first!.decode("n", as: Int.self) == 0)
            }
        }
    }

    @Test func hrEnrolsStaffByNumberAndEveryLineIsReported() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let roster = try await Pages.get(client, "/sessions/S-1?lang=en", hr)
                #expect(roster.body.contains("Enrol staff"))
                let token = try Pages.csrf(roster.body)
                let result = try await Pages.post(client, "/sessions/S-1/enrolments?lang=en", hr, "csrf=\(token)&staff=T-30%0D%0AT-31%0D%0AGHOST-1")
                #expect(result.status == 422)
                #expect(result.body.contains("2 enrolment(s) processed, 1 refused") && result.body.contains("Awa Keïta (T-30): enrolled, a seat is taken.") && result.body.contains("GHOST-1"))
                #expect(try await pool.query("SELECT count(*) AS n FROM enrolment").first!.decode("n", as: Int.self) == 22)
                let viewer = try await Pages.signIn(client, "viewer")
                let viewerToken = try Pages.csrf(try await Pages.get(client, "/", viewer).body)
                let refused = try await Pages.post(client, "/sessions/S-1/enrolments?lang=en", viewer, "csrf=\(viewerToken)&staff=T-32")
                #expect(refused.status == 403)
                #expect(try await pool.query("SELECT count(*) AS n FROM enrolment").first!.decode("n", as: Int.self) == 22)
            }
        }
    }

    @Test func frenchPagesShowNoRawCodesAndFrenchNumbers() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                for uri in [
                    "/", "/sessions", "/sessions/S-1", "/sessions/S-1/attendance?day=2030-03-04", "/sessions/S-1/scores", "/sessions/S-1/results", "/trainees", "/statistics?by=quarter&then=domain",
                    "/verify",
                ] {
                    let page = try await Pages.get(client, uri + (uri.contains("?") ? "&" : "?") + "lang=fr", hr)
                    #expect(page.status == 200, "\(uri)")
                    #expect(page.body.contains(#"<html lang="fr">"#))
                    let text = page.body.replacing(/<[^>]*>/, with: " ")
                    for raw in ["in_progress", "cancelled", "telecoms", "cybersecurity", "waitlisted", "no_show", "excused", "Tehran"] {
                        #expect(!text.contains(raw), "\(uri) shows \(raw)")
                    }
                    #expect(text.firstMatch(of: /\b20\d\d-Q[1-4]\b/) == nil, "\(uri) shows a raw quarter")
                }
                let stats = try await Pages.get(client, "/statistics?by=course&lang=fr", hr)
                #expect(stats.body.contains("Télécoms") && stats.body.contains("100,0"), "course titles and decimal commas")
            }
        }
    }

    @Test func pagesAreCompressedWhenTheClientAcceptsIt() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.live) { client in
                let hr = try await Pages.signIn(client, "hr")
                let plain = try await client.execute(uri: "/sessions/S-1", method: .get, headers: [.cookie: hr]) { ($0.headers[.contentEncoding], $0.body.readableBytes) }
                let gzip = try await client.execute(uri: "/sessions/S-1", method: .get, headers: [.cookie: hr, .acceptEncoding: "gzip"]) {
                    ($0.headers[.contentEncoding], $0.body.readableBytes)
                }
                #expect(plain.0 == nil && gzip.0 == "gzip")
                #expect(gzip.1 * 4 < plain.1, "the roster shrinks at least fourfold: \(plain.1) → \(gzip.1) bytes")
                let css = try await client.execute(uri: "/assets/kalan.css", method: .get, headers: [.acceptEncoding: "gzip"]) { $0.headers[.contentEncoding] }
                #expect(css == "gzip")
            }
        }
    }
}

@Suite("Register page: search and spreadsheet import")
struct RegisterPageTests {
    static func upload(_ client: some TestClientProtocol, _ cookie: String, csrf: String, csv: String, dryRun: Bool = false) async throws -> (status: Int, body: String) {
        let boundary = "----KalanTest42"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
        if dryRun { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"agents.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        return try await client.execute(
            uri: "/trainees/import?lang=fr&csrf=\(csrf)", method: .post,
            headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: body)
        ) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    @Test func hrImportsAMessyExcelCSVAllOrNothingWithTheReportOnThePage() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let page = try await Pages.get(client, "/trainees?search=T-1", hr)
                #expect(page.status == 200 && page.body.contains("T-10") && page.body.contains("Importer une liste du personnel"))
                let token = try Pages.csrf(page.body)
                let bad = "\u{FEFF}Matricule;Prénom;Nom;Sexe;Direction\r\nWEB-1;Djénéba;N'Diaye;F;DNT\r\nWEB-2;Oumar;Maïga;X;DNT\r\nWEB-3;Awa;Keïta;F;NOPE\r\n"
                let refused = try await Self.upload(client, hr, csrf: token, csv: bad)
                #expect(refused.status == 422 && refused.body.contains("rien n&#39;a été enregistré"))
                #expect(refused.body.firstMatch(of: /<td[^>]*>3<\/td><td[^>]*>Sexe<\/td>/) != nil)
                #expect(refused.body.firstMatch(of: /<td[^>]*>4<\/td><td[^>]*>Direction<\/td><td[^>]*>NOPE<\/td>/) != nil, "an unknown department is reported too")
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number LIKE 'WEB-%'").first!.decode("n", as: Int.self) == 0)
                let good = bad.replacingOccurrences(of: ";X;", with: ";M;").replacingOccurrences(of: "WEB-3;Awa;Keïta;F;NOPE\r\n", with: "")
                let checked = try await Self.upload(client, hr, csrf: token, csv: good, dryRun: true)
                #expect(checked.status == 200 && checked.body.contains("Vérification seule"))
                #expect(try await pool.query("SELECT count(*) AS n FROM trainee WHERE staff_number LIKE 'WEB-%'").first!.decode("n", as: Int.self) == 0)
                let stored = try await Self.upload(client, hr, csrf: token, csv: good)
                #expect(stored.status == 200 && stored.body.contains("2 ajouté(s)"))
                let names = try await pool.query("SELECT family_name FROM trainee WHERE staff_number LIKE 'WEB-%' ORDER BY staff_number").map { try $0.decode("family_name", as: String.self) }
                #expect(names == ["N'Diaye", "Maïga"])
                let forged = try await Self.upload(client, hr, csrf: "forged", csv: good)
                #expect(forged.status == 403)
                #expect(try await Pages.get(client, "/trainees?search=%00", hr).status == 422, "a NUL in the search is named, not a 500")
            }
        }
    }

    @Test func aStaffMembersPageShowsEveryEnrolmentWithItsHistory() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let list = try await Pages.get(client, "/trainees?search=T-1&lang=en", hr)
                #expect(list.body.contains(#"href="/trainees/T-1?lang=en""#))
                let page = try await Pages.get(client, "/trainees/T-1?lang=en", hr)
                #expect(page.status == 200 && page.body.contains("Training history") && page.body.contains("/sessions/S-1"))
                #expect(page.body.contains("enrolled, by cli:test") || page.body.contains("enrolled, by test"), "the history says who")
                #expect(try await Pages.get(client, "/trainees/NOBODY", hr).status == 404)
                let trainer = try await Pages.signIn(client, "trainer")
                #expect(try await Pages.get(client, "/trainees/T-1", trainer).status == 403)
            }
        }
    }

    @Test func viewersReadTheRegisterWithoutImportAndTrainersAreRefused() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let viewer = try await Pages.signIn(client, "viewer")
                let page = try await Pages.get(client, "/trainees?lang=en", viewer)
                #expect(page.status == 200 && page.body.contains("Staff register") && !page.body.contains("Import a spreadsheet"))
                let trainer = try await Pages.signIn(client, "trainer")
                #expect(try await Pages.get(client, "/trainees", trainer).status == 403)
            }
        }
    }
}
