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

@Suite("Notice pages: what was sent per session and per person, sending again, preferences, department heads")
struct NoticePageTests {
    @Test func hrSeesASessionsNoticesAndSendsAFailedOneAgain() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await pool.query("UPDATE trainee SET email = 't21@mcenma.gouv.ml', phone = '+223 76 00 00 21' WHERE staff_number = 'T-21'")
            try await EnrolmentWorkflow(repository: PostgresRepository(pool: pool)).enrol(staffNumber: "T-21", sessionCode: "S-1", actor: .commandLine(user: "t"))
            try await pool.query("UPDATE notice SET status = 'failed', attempts = 7, last_error = 'SMTP 550 mailbox unavailable' WHERE channel = 'email'")
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let roster = try await Pages.get(client, "/sessions/S-1?lang=fr", hr)
                #expect(roster.body.contains("/sessions/S-1/notices?lang=fr"), "the roster links to its notices")
                let page = try await Pages.get(client, "/sessions/S-1/notices?lang=fr", hr)
                #expect(page.status == 200)
                #expect(page.body.contains("Aucun relais de messagerie"), "nothing configured: the page says nothing can be sent yet")
                #expect(page.body.contains("20 agent(s) injoignable(s)"), "staff without e-mail or phone are listed")
                #expect(page.body.contains("échec définitif") && page.body.contains("SMTP 550 mailbox unavailable") && page.body.contains("place confirmée"))
                let failed = try await Pages.get(client, "/notices?lang=fr", hr)
                #expect(failed.status == 200 && failed.body.contains("Notices en échec définitif") && failed.body.contains("SMTP 550 mailbox unavailable"))
                let id = try await pool.query("SELECT id FROM notice WHERE status = 'failed'").firstRow().decode("id", as: Int64.self)
                let sent = try await Pages.post(client, "/sessions/S-1/notices/resend?lang=fr", hr, "csrf=\(try Pages.csrf(page.body))&id=\(id)")
                #expect(sent.status == 200 && sent.body.contains("1 notice(s) remise(s)"))
                let row = try await pool.query("SELECT status, attempts FROM notice WHERE id = \(id)").firstRow()
                #expect(try row.decode("status", as: String.self) == "pending" && (try row.decode("attempts", as: Int.self)) == 0)
                #expect(roster.body.contains("/sessions/S-1/convocations.pdf"), "the roster prints its convocations")
                let pdf = try await client.execute(uri: "/sessions/S-1/convocations.pdf?lang=fr", method: .get, headers: [.cookie: hr]) {
                    (Int($0.status.code), $0.headers[.contentType], String(buffer: $0.body).prefix(5))
                }
                #expect(pdf.0 == 200 && pdf.1 == "application/pdf" && pdf.2 == "%PDF-", "one PDF of the seat holders' convocations")
                let trainer = try await Pages.signIn(client, "trainer")
                #expect(try await Pages.get(client, "/sessions/S-1/notices?lang=fr", trainer).status == 403, "trainers do not read the notices")
                #expect(try await Pages.get(client, "/sessions/S-1/convocations.pdf?lang=fr", trainer).status == 403)
            }
        }
    }

    @Test func aStaffMembersPreferencesAndADepartmentHeadAreSetFromThePages() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let person = try await Pages.get(client, "/trainees/T-3/notices?lang=en", hr)
                #expect(person.status == 200 && person.body.contains("Language of notices") && person.body.contains("unreachable"))
                let saved = try await Pages.post(
                    client, "/trainees/T-3/notices/preferences?lang=en", hr, "csrf=\(try Pages.csrf(person.body))&language=en&off=1")
                #expect(saved.status == 200 && saved.body.contains("Notice preferences saved."))
                let prefs = try await pool.query("SELECT notice_language, notices_off FROM trainee WHERE staff_number = 'T-3'").firstRow()
                #expect(try prefs.decode("notice_language", as: String.self) == "en" && (try prefs.decode("notices_off", as: Bool.self)))
                let form = try await Pages.get(client, "/departments/DNT/contact?lang=fr", hr)
                let token = try Pages.csrf(form.body)
                let bad = try await Pages.post(client, "/departments/DNT/contact?lang=fr", hr, "csrf=\(token)&name=Awa+Diarra&email=pas-une-adresse&phone=")
                #expect(bad.status == 200 && bad.body.contains("pas-une-adresse"), "a refused address is shown again")
                #expect(try await pool.query("SELECT contact_email FROM department WHERE code = 'DNT'").firstRow().decode("contact_email", as: String?.self) == nil)
                let good = try await Pages.post(
                    client, "/departments/DNT/contact?lang=fr", hr, "csrf=\(token)&name=Awa+Diarra&email=awa%40dnt.gouv.ml&phone=%2B223+70+11+11+11")
                #expect(good.status == 200 && good.body.contains("Responsable du service enregistré."))
                let row = try await pool.query("SELECT contact_name, contact_phone FROM department WHERE code = 'DNT'").firstRow()
                #expect(try row.decode("contact_name", as: String.self) == "Awa Diarra" && (try row.decode("contact_phone", as: String.self)) == "+223 70 11 11 11")
            }
        }
    }
}
