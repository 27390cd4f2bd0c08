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

@Suite("Administration pages: organisation, catalogue, sessions, accounts, audit")
struct AdminPageTests {
    static func count(_ pool: PostgresPool, _ sql: String) async throws -> Int {
        try await pool.query(PostgresQuery(unsafeSQL: sql)).first!.decode("n", as: Int.self)
    }

    @Test func everyListAnswersItsRolesAndRefusesTheOthersWithAPage() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                var cookies: [String: String] = [:]
                for role in ["admin", "hr", "trainer", "viewer"] { cookies[role] = try await Pages.signIn(client, role) }
                // admin, hr, trainer, viewer
                let expected: [(String, [Int])] = [
                    ("/departments", [200, 200, 403, 200]), ("/partners", [200, 200, 403, 200]), ("/programmes", [200, 200, 403, 200]),
                    ("/courses", [200, 200, 403, 200]), ("/courses/TEL", [200, 200, 403, 200]), ("/courses/new", [200, 200, 403, 403]),
                    ("/departments/new", [200, 200, 403, 403]), ("/sessions/new", [200, 200, 403, 403]), ("/sessions/S-1/edit", [200, 200, 403, 403]),
                    ("/users", [200, 403, 403, 403]), ("/users/new", [200, 403, 403, 403]), ("/users/trainer", [200, 403, 403, 403]),
                    ("/audit", [200, 403, 403, 403]), ("/account/password", [200, 200, 200, 200]),
                ]
                for (path, statuses) in expected {
                    for (role, status) in zip(["admin", "hr", "trainer", "viewer"], statuses) {
                        let answer = try await Pages.get(client, "\(path)?lang=en", cookies[role])
                        #expect(answer.status == status, "\(path) as \(role)")
                        if status == 403 { #expect(answer.body.contains("<h1>"), "\(path): a page") }
                    }
                    #expect(try await Pages.get(client, path, nil).status == 303, "\(path) anonymous: to the login page")
                }
                let refused = try await Pages.get(client, "/users?lang=en", cookies["trainer"])
                #expect(refused.body.contains("<h1>") && refused.body.contains("</html>"), "the 403 is a page, not an empty body")
                let home = try await Pages.get(client, "/?lang=en", cookies["admin"])
                #expect(home.body.contains("href=\"/users?") && home.body.contains("href=\"/courses?") && home.body.contains("href=\"/audit?"))
                #expect(!home.body.contains("/api/v1/me"), "no raw JSON as a main entry")
                let trainerHome = try await Pages.get(client, "/?lang=en", cookies["trainer"])
                #expect(!trainerHome.body.contains("href=\"/users?") && !trainerHome.body.contains("href=\"/courses?"))
            }
        }
    }

    @Test func departmentsPartnersAndProgrammesAreCreatedAndEditedAndABadFormKeepsNothing() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let token = try Pages.csrf(try await Pages.get(client, "/departments/new", hr).body)
                var sent = try await Pages.post(client, "/departments/new?lang=en", hr, "csrf=\(token)&code=dsi&name_fr=Syst%C3%A8mes&name_en=Systems&kind=service&parent=DNT")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM department d JOIN department p ON p.id = d.parent_id WHERE d.code = 'DSI' AND p.code = 'DNT'") == 1)
                // The tree stays a tree: DNT under its own child is refused beside the field, nothing kept.
                sent = try await Pages.post(client, "/departments/DNT?lang=en", hr, "csrf=\(token)&name_fr=T%C3%A9l%C3%A9coms+bis&kind=direction&parent=DSI")
                #expect(sent.status == 422 && sent.body.contains("field-error") && sent.body.contains("loop"))
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM department WHERE code = 'DNT' AND parent_id IS NULL AND name_fr = 'Télécoms'") == 1)
                sent = try await Pages.post(client, "/departments/DSI?lang=en", hr, "csrf=\(token)&name_fr=Syst%C3%A8mes+d%27information&name_en=IS&kind=service&parent=")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM department WHERE code = 'DSI' AND parent_id IS NULL AND name_fr = 'Systèmes d''information'") == 1)
                let list = try await Pages.get(client, "/departments?lang=en&search=systemes", hr)
                #expect(list.body.contains("DSI") && !list.body.contains(">DNT<"), "accent-insensitive search")

                sent = try await Pages.post(client, "/partners/new?lang=en", hr, "csrf=\(token)&code=UNECA&name=UNECA&kind=international_organisation&country=ET")
                #expect(sent.status == 303)
                sent = try await Pages.post(client, "/partners/UNECA?lang=en", hr, "csrf=\(token)&name=UN+Economic+Commission+for+Africa&kind=international_organisation&country=xx1")
                #expect(sent.status == 422 && sent.body.contains("aria-invalid=\"true\" aria-describedby=\"f-country-error\""))
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM partner WHERE code = 'UNECA' AND name = 'UNECA'") == 1)
                sent = try await Pages.post(client, "/partners/UNECA?lang=en", hr, "csrf=\(token)&name=UN+Economic+Commission+for+Africa&kind=international_organisation&country=ET")
                #expect(sent.status == 303)

                sent = try await Pages.post(
                    client, "/programmes/new?lang=en", hr,
                    "csrf=\(token)&code=MALI-IRAN&name_fr=Coop%C3%A9ration&starts_on=2027-01-01&ends_on=2026-12-31&target_trainees=300&domains.telecoms=1&partners.ITRC=1")
                #expect(sent.status == 422 && sent.body.contains("f-ends_on-error"), "an end before the start is named beside the end")
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM programme") == 0)
                sent = try await Pages.post(
                    client, "/programmes/new?lang=en", hr,
                    "csrf=\(token)&code=MALI-IRAN&name_fr=Coop%C3%A9ration&starts_on=2027-01-01&ends_on=2028-12-31&target_trainees=300&domains.telecoms=1&domains.5g=1&partners.ITRC=1")
                #expect(sent.status == 303)
                sent = try await Pages.post(
                    client, "/programmes/MALI-IRAN?lang=en", hr,
                    "csrf=\(token)&name_fr=Coop%C3%A9ration&starts_on=2027-01-01&ends_on=2028-12-31&target_trainees=450&domains.telecoms=1&partners.ITRC=1&partners.UNECA=1")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM programme p JOIN programme_partner pp ON pp.programme_id = p.id WHERE p.target_trainees = 450") == 2)
                // A viewer reads the form but cannot send it.
                let viewer = try await Pages.signIn(client, "viewer")
                let read = try await Pages.get(client, "/programmes/MALI-IRAN?lang=en", viewer)
                #expect(read.status == 200 && read.body.contains("<fieldset class=\"plain\" disabled>"))
                #expect(
                    try await Pages.post(client, "/programmes/MALI-IRAN?lang=en", viewer, "csrf=\(try Pages.csrf(read.body))&name_fr=X&starts_on=2027-01-01&ends_on=2028-01-01&target_trainees=1")
                        .status == 403)
            }
        }
    }

    @Test func coursesWithModulesAndPrerequisitesAndARejectedCourseKeepsNothing() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let admin = try await Pages.signIn(client, "admin")
                let form = try await Pages.get(client, "/courses/new?lang=en", admin)
                #expect(form.body.contains("name=\"prerequisites.TEL\""))
                let token = try Pages.csrf(form.body)
                let modules = "Radio+%7C+Radio+%7C+10%0D%0ACoeur+5G+%7C+5G+core+%7C+abc"
                var sent = try await Pages.post(
                    client, "/courses/new?lang=en", admin,
                    "csrf=\(token)&code=TEL-5G&title_fr=R%C3%A9seaux+5G&title_en=5G+networks&domain=5g&hours=30&pass_mark=60&min_attendance=80&validity_months=&programme=&modules=\(modules)&prerequisites.TEL=1"
                )
                #expect(sent.status == 422 && sent.body.contains("f-modules-error") && sent.body.contains("line 2"))
                #expect(sent.body.contains("R\u{E9}seaux 5G") && sent.body.contains("name=\"prerequisites.TEL\" value=\"1\" checked"), "what was typed is shown again")
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM course") == 1, "nothing kept")
                sent = try await Pages.post(
                    client, "/courses/new?lang=en", admin,
                    "csrf=\(token)&code=TEL-5G&title_fr=R%C3%A9seaux+5G&title_en=5G+networks&domain=5g&hours=30&pass_mark=60&min_attendance=80&validity_months=24&programme=&modules=Radio+%7C+Radio+%7C+10%0D%0ACoeur+5G+%7C+5G+core+%7C+20&prerequisites.TEL=1"
                )
                #expect(sent.status == 303 && sent.location?.hasPrefix("/courses/TEL-5G") == true)
                let course = try #require(try await PostgresRepository(pool: pool).transaction { try await $0.course(code: "TEL-5G") })
                #expect(course.modules.map(\.hours) == [10, 20] && course.prerequisiteIDs.count == 1 && course.validityMonths == 24 && course.passMark == 60)
                // Edit: TEL now requiring TEL-5G would make a loop.
                sent = try await Pages.post(
                    client, "/courses/TEL?lang=en", admin, "csrf=\(token)&title_fr=T%C3%A9l%C3%A9coms&title_en=Telecoms&domain=telecoms&hours=40&pass_mark=50&min_attendance=80&prerequisites.TEL-5G=1")
                #expect(sent.status == 422 && sent.body.contains("f-prerequisites-error"))
                sent = try await Pages.post(
                    client, "/courses/TEL-5G?lang=en", admin,
                    "csrf=\(token)&title_fr=R%C3%A9seaux+5G&title_en=5G+networks&domain=5g&hours=35&pass_mark=60&min_attendance=90&modules=Radio+%7C+Radio+%7C+35")
                #expect(sent.status == 303)
                let edited = try #require(try await PostgresRepository(pool: pool).transaction { try await $0.course(code: "TEL-5G") })
                #expect(edited.hours == 35 && edited.minAttendance == 90 && edited.modules.count == 1 && edited.prerequisiteIDs.isEmpty)
                let list = try await Pages.get(client, "/courses?lang=en&search=reseaux", admin)
                #expect(list.body.contains("TEL-5G") && !list.body.contains(">TEL<"))
            }
        }
    }

    @Test func sessionsAreCreatedEditedGivenTrainersAndCancelledWithAReason() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let token = try Pages.csrf(try await Pages.get(client, "/sessions/new", hr).body)
                var sent = try await Pages.post(
                    client, "/sessions/new?lang=en", hr,
                    "csrf=\(token)&code=S-2&course=TEL&partner=ITRC&programme=&starts_on=2030-05-06&ends_on=2030-05-10&mode=in_person&city=&country=ML&capacity=20&enrolment_deadline=&status=open")
                #expect(sent.status == 422 && sent.body.contains("f-city-error"))
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM training_session") == 1)
                sent = try await Pages.post(
                    client, "/sessions/new?lang=en", hr,
                    "csrf=\(token)&code=S-2&course=TEL&partner=ITRC&programme=&starts_on=2030-05-06&ends_on=2030-05-10&mode=in_person&city=Bamako&country=ML&capacity=20&enrolment_deadline=2030-04-30&status=open"
                )
                #expect(sent.status == 303 && sent.location?.hasPrefix("/sessions/S-2/edit") == true)
                let edit = try await Pages.get(client, "/sessions/S-2/edit?lang=en", hr)
                #expect(edit.body.contains("<option value=\"trainer\">") && edit.body.contains("<option value=\"stranger\">"))
                for name in ["trainer", "stranger"] {
                    sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=assign&trainer=\(name)")
                    #expect(sent.status == 303)
                }
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM session_trainer st JOIN training_session s ON s.id = st.session_id WHERE s.code = 'S-2'") == 2)
                sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=assign&trainer=viewer")
                #expect(sent.status == 422 && sent.body.contains("f-trainer-error"), "only trainers of the session's partner")
                sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=remove&trainer=stranger")
                #expect(sent.status == 422, "removing asks for confirmation")
                sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=remove&trainer=stranger&confirm=yes")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM session_trainer st JOIN training_session s ON s.id = st.session_id WHERE s.code = 'S-2'") == 1)
                // S-1 has 20 seats taken: fewer seats are refused beside the field, nothing kept.
                let save = "csrf=\(token)&action=save&starts_on=2030-03-04&ends_on=2030-03-08&mode=online&city=&country=&enrolment_deadline=2030-02-01"
                sent = try await Pages.post(client, "/sessions/S-1/edit?lang=en", hr, "\(save)&capacity=10&status=open")
                #expect(sent.status == 422 && sent.body.contains("f-capacity-error"))
                sent = try await Pages.post(client, "/sessions/S-1/edit?lang=en", hr, "\(save)&capacity=60&status=completed")
                #expect(sent.status == 422 && sent.body.contains("f-status-error"), "open → completed is not a transition")
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM training_session WHERE code = 'S-1' AND capacity = 50 AND status = 'open'") == 1)
                sent = try await Pages.post(client, "/sessions/S-1/edit?lang=en", hr, "\(save)&capacity=60&status=in_progress")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM training_session WHERE code = 'S-1' AND capacity = 60 AND status = 'in_progress'") == 1)
                sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=cancel&reason=&confirm=yes")
                #expect(sent.status == 422 && sent.body.contains("f-reason-error"))
                sent = try await Pages.post(client, "/sessions/S-2/edit?lang=en", hr, "csrf=\(token)&action=cancel&reason=Partner+unavailable&confirm=yes")
                #expect(sent.status == 303)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM audit_event WHERE action = 'session.cancel' AND after->>'reason' = 'Partner unavailable'") == 1)
                let roster = try await Pages.get(client, "/sessions/S-1?lang=en", hr)
                #expect(roster.body.contains("/sessions/S-1/edit"))
            }
        }
    }

    @Test func moreSeatsPromoteTheWaitlistInOrderInTheSameChange() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            let admin = Actor.commandLine(user: "test")
            let repository = PostgresRepository(pool: pool)
            try await Register(repository: repository).addSession(
                .init(
                    code: "S-3", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2031-03-03", endsOn: "2031-03-07", mode: "online", capacity: 1,
                    enrolmentDeadline: "2031-02-01", status: "open"),
                actor: admin)
            let workflow = EnrolmentWorkflow(repository: repository, clock: APIFixture.clock)
            for i in 31...33 { try await workflow.enrol(staffNumber: "T-\(i)", sessionCode: "S-3", actor: admin) }
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let token = try Pages.csrf(try await Pages.get(client, "/sessions/S-3/edit", hr).body)
                let sent = try await Pages.post(
                    client, "/sessions/S-3/edit?lang=en", hr,
                    "csrf=\(token)&action=save&starts_on=2031-03-03&ends_on=2031-03-07&mode=online&city=&country=&enrolment_deadline=2031-02-01&capacity=2&status=open")
                #expect(sent.status == 303)
                let rows = try await pool.query(
                    "SELECT t.staff_number, e.status, e.waitlist_position FROM enrolment e JOIN trainee t ON t.id = e.trainee_id JOIN training_session s ON s.id = e.session_id WHERE s.code = 'S-3' ORDER BY t.staff_number"
                ).map { "\(try $0.decode("staff_number", as: String.self)) \(try $0.decode("status", as: String.self)) \(try $0.decode("waitlist_position", as: Int?.self).map(String.init) ?? "-")" }
                #expect(rows == ["T-31 enrolled -", "T-32 enrolled -", "T-33 waitlisted 1"])
            }
        }
    }

    @Test func accountsAreCreatedDisabledResetAndTheirTokensRevoked() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let admin = try await Pages.signIn(client, "admin")
                let token = try Pages.csrf(try await Pages.get(client, "/users/new", admin).body)
                var sent = try await Pages.post(
                    client, "/users/new?lang=en", admin, "csrf=\(token)&username=reza&display_name=Reza+Ahmadi&email=&role=trainer&partner=&password=long-enough-2")
                #expect(sent.status == 422 && sent.body.contains("f-partner-error") && sent.body.contains("value=\"reza\""))
                #expect(!sent.body.contains("long-enough-2"), "a password is never sent back")
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM app_user WHERE username = 'reza'") == 0)
                sent = try await Pages.post(
                    client, "/users/new?lang=en", admin, "csrf=\(token)&username=reza&display_name=Reza+Ahmadi&email=&role=trainer&partner=ITRC&password=long-enough-2")
                #expect(sent.status == 303)
                #expect(try await WebSessionTests.login(client, "reza", "long-enough-2").status == .ok)
                sent = try await Pages.post(client, "/users/reza?lang=en", admin, "csrf=\(token)&action=reset&password=short")
                #expect(sent.status == 422 && sent.body.contains("f-password-error"))
                sent = try await Pages.post(client, "/users/reza?lang=en", admin, "csrf=\(token)&action=reset&password=long-enough-3")
                #expect(sent.status == 303)
                #expect(try await WebSessionTests.login(client, "reza", "long-enough-3").status == .ok)
                sent = try await Pages.post(client, "/users/reza?lang=en", admin, "csrf=\(token)&action=disable&confirm=yes")
                #expect(sent.status == 303)
                #expect(try await WebSessionTests.login(client, "reza", "long-enough-3").status == .unauthorized)
                sent = try await Pages.post(client, "/users/reza?lang=en", admin, "csrf=\(token)&action=enable")
                #expect(sent.status == 303)
                // The trainer's API token, listed then revoked.
                let page = try await Pages.get(client, "/users/trainer?lang=en", admin)
                let id = try #require(page.body.firstMatch(of: /name="token" value="([0-9A-F-]{36})"/)).1.description
                sent = try await Pages.post(client, "/users/trainer?lang=en", admin, "csrf=\(token)&action=revoke&token=\(id)&confirm=yes")
                #expect(sent.status == 303)
                let api = try await client.execute(uri: "/api/v1/me", method: .get, headers: f.headers("trainer")) { $0.status }
                #expect(api == .unauthorized)
                let list = try await Pages.get(client, "/users?lang=en&search=ahmadi", admin)
                #expect(list.body.contains(">reza<") && !list.body.contains(">viewer<"))
            }
        }
    }

    @Test func everyoneChangesTheirOwnPasswordAndTheAuditLogIsFiltered() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let trainer = try await Pages.signIn(client, "trainer")
                let token = try Pages.csrf(try await Pages.get(client, "/account/password", trainer).body)
                var sent = try await Pages.post(
                    client, "/account/password?lang=en", trainer, "csrf=\(token)&current_password=wrong-one-1&new_password=brand-new-pass&confirm=brand-new-pass")
                #expect(sent.status == 422 && sent.body.contains("f-current_password-error") && sent.body.contains("not your current password"))
                sent = try await Pages.post(
                    client, "/account/password?lang=fr", trainer, "csrf=\(token)&current_password=long-enough-1&new_password=brand-new-pass&confirm=brand-new-pasz")
                #expect(sent.status == 422 && sent.body.contains("f-confirm-error") && sent.body.contains("ne correspond pas"))
                #expect(try await WebSessionTests.login(client, "trainer", "long-enough-1").status == .ok, "nothing changed")
                sent = try await Pages.post(
                    client, "/account/password?lang=en", trainer, "csrf=\(token)&current_password=long-enough-1&new_password=brand-new-pass&confirm=brand-new-pass")
                #expect(sent.status == 303)
                #expect(try await WebSessionTests.login(client, "trainer", "brand-new-pass").status == .ok)

                let admin = try await Pages.signIn(client, "admin")
                let all = try await Pages.get(client, "/audit?lang=en", admin)
                #expect(all.status == 200 && all.body.contains("user.change-password"))
                let filtered = try await Pages.get(client, "/audit?lang=en&who=user%3Atrainer&what=password", admin)
                #expect(filtered.body.contains("user.change-password") && !filtered.body.contains("session.create"))
                let bad = try await Pages.get(client, "/audit?lang=en&from=2026-13-01", admin)
                #expect(bad.status == 422 && bad.body.contains("f-from-error"))
                // The pager: fifty a page, then the next page from where it stopped.
                try await pool.query("INSERT INTO audit_event (actor, action, entity) SELECT 'cli:test', 'test.event', 'trainee' FROM generate_series(1, 60)")
                let first = try await Pages.get(client, "/audit?lang=en", admin)
                let next = try #require(first.body.firstMatch(of: /href="(\/audit\?[^"]*before=\d+)"/)).1.description.replacingOccurrences(of: "&amp;", with: "&")
                let second = try await Pages.get(client, next, admin)
                #expect(second.status == 200 && second.body.contains("test.event") && second.body.contains(">\u{2190} First page<"))
            }
        }
    }
}
