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

@Suite("Staff in person: calls for applicants and anonymous evaluations")
struct StaffCallsAndEvaluationsTests {
    @Test func hrOpensACallStaffApplyAndWithdrawAndHRDecidesUnderTheRules() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            let repository = PostgresRepository(pool: pool)
            let admin = Actor.commandLine(user: "test")
            try await Register(repository: repository).addSession(
                .init(code: "S-CALL", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2030-05-06", endsOn: "2030-05-10", mode: "online", capacity: 1, status: "open"),
                actor: admin)
            try await f.app().test(.router) { client in
                let hr = try await Pages.signIn(client, "hr")
                let page = try await Pages.get(client, "/sessions/S-CALL/applications?lang=en", hr)
                #expect(page.status == 200 && page.body.contains("not open to applications"))
                let token = try Pages.csrf(page.body)
                // A closing date after the first day is refused, naming the field.
                let late = try await Pages.post(client, "/sessions/S-CALL/applications/call?lang=en", hr, "csrf=\(token)&closes_on=2030-05-07&categories=")
                #expect(late.status == 422 && late.body.contains("Closing date"))
                let opened = try await Pages.post(client, "/sessions/S-CALL/applications/call?lang=en", hr, "csrf=\(token)&closes_on=2030-04-30&categories=")
                #expect(opened.status == 303)
                #expect(try await Pages.get(client, "/sessions/S-CALL/applications?lang=en", try await Pages.signIn(client, "trainer")).status == 403)

                let aissata = try await StaffDoor.signIn(client, pool, identifier: "AG-2019-7", address: "aissata.maiga@mcenma.ml")
                let moussa = try await StaffDoor.signIn(client, pool, identifier: "AG-2020-8", address: "moussa@mcenma.ml")
                let calls = try await Pages.get(client, "/me/calls?lang=en", aissata)
                #expect(calls.status == 200 && calls.body.contains("S-CALL"))
                let staffToken = try Pages.csrf(calls.body)
                let empty = try await Pages.post(client, "/me/calls/S-CALL/apply?lang=en", aissata, "csrf=\(staffToken)&motivation=")
                #expect(empty.status == 422 && empty.body.contains("Motivation"))
                #expect(try await Pages.post(client, "/me/calls/S-CALL/apply?lang=en", aissata, "csrf=\(staffToken)&motivation=Je+travaille+sur+la+5G").status == 303)
                #expect(try await Pages.post(client, "/me/calls/S-CALL/apply?lang=en", aissata, "csrf=\(staffToken)&motivation=again").status == 409)
                #expect(try await Pages.post(client, "/me/calls/S-CALL/withdraw?lang=en", aissata, "csrf=\(staffToken)").status == 303)
                let moussaToken = try Pages.csrf(try await Pages.get(client, "/me/calls?lang=en", moussa).body)
                #expect(try await Pages.post(client, "/me/calls/S-CALL/apply?lang=en", moussa, "csrf=\(moussaToken)&motivation=Cybersécurité").status == 303)
                // Another person's token is no token.
                #expect(try await Pages.post(client, "/me/calls/S-CALL/withdraw?lang=en", moussa, "csrf=\(staffToken)").status == 403)

                let list = try await Pages.get(client, "/sessions/S-CALL/applications?lang=en", hr)
                #expect(list.body.contains("Application withdrawn") && list.body.contains("Cybersécurité"))
                let noReason = try await Pages.post(
                    client, "/sessions/S-CALL/applications/decision?lang=en", hr, "csrf=\(token)&staff_number=AG-2020-8&decision=decline&reason=")
                #expect(noReason.status == 422 && noReason.body.contains("Reason"))
                let accepted = try await Pages.post(
                    client, "/sessions/S-CALL/applications/decision?lang=en", hr, "csrf=\(token)&staff_number=AG-2020-8&decision=accept&reason=")
                #expect(accepted.status == 303)
                let status = try await pool.query(
                    "SELECT e.status FROM enrolment e JOIN training_session s ON s.id = e.session_id JOIN trainee t ON t.id = e.trainee_id WHERE s.code = 'S-CALL' AND t.staff_number = 'AG-2020-8'"
                ).firstRow().decode("status", as: String.self)
                #expect(status == "enrolled")
                let mine = try await Pages.get(client, "/me/calls?lang=en", moussa)
                #expect(mine.body.contains("Application accepted"))
                // A closed call: nothing more is taken, and the database says so too.
                try await #require(throws: (any Error).self) {
                    try await pool.query(
                        "INSERT INTO application (session_id, trainee_id, motivation, applied_on) SELECT s.id, t.id, 'late', DATE '2030-05-01' FROM training_session s, trainee t WHERE s.code = 'S-CALL' AND t.staff_number = 'T-1'"
                    )
                }
            }
        }
    }

    @Test func participantsAnswerOnceAfterTheLastDayAndNoFigureShowsUnderThree() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            let repository = PostgresRepository(pool: pool)
            let admin = Actor.commandLine(user: "test")
            // A session over before the fixture's today (2027-06-01), and one still to come (S-1).
            try await Register(repository: repository).addSession(
                .init(code: "S-OLD", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2027-05-10", endsOn: "2027-05-14", mode: "online", capacity: 10, status: "open"),
                actor: admin)
            let workflow = EnrolmentWorkflow(repository: repository, clock: APIFixture.clock)
            for number in ["AG-2019-7", "T-30", "T-31"] { try await workflow.enrol(staffNumber: number, sessionCode: "S-OLD", actor: admin) }
            let evaluations = SessionEvaluations(repository: repository, clock: APIFixture.clock)
            @Sendable func member(_ number: String) async throws -> StaffMember {
                StaffMember(try #require(try await repository.transaction { try await $0.trainee(staffNumber: number) }))
            }
            // The reminder, the day after the last day: once, by e-mail and SMS, to the participant who can be reached.
            let outbox = PostgresNoticeOutbox(pool: pool)
            _ = try await outbox.scheduleReminders(today: Day("2027-05-13")!)
            _ = try await outbox.scheduleReminders(today: Day("2027-05-15")!)
            _ = try await outbox.scheduleReminders(today: Day("2027-05-16")!)
            let reminders = try await pool.query("SELECT channel FROM notice WHERE kind = 'evaluation_reminder' ORDER BY channel").map {
                try $0.decode("channel", as: String.self)
            }
            #expect(reminders == ["email", "sms"])
            try await f.app().test(.router) { client in
                let aissata = try await StaffDoor.signIn(client, pool, identifier: "AG-2019-7", address: "aissata.maiga@mcenma.ml")
                let mine = try await Pages.get(client, "/me?lang=en", aissata)
                #expect(mine.body.contains("/me/trainings/S-OLD/evaluation") && !mine.body.contains("/me/trainings/S-1/evaluation"))
                let form = try await Pages.get(client, "/me/trainings/S-OLD/evaluation?lang=en", aissata)
                #expect(form.status == 200 && form.body.contains("without your name"))
                let token = try Pages.csrf(form.body)
                let bad = try await Pages.post(
                    client, "/me/trainings/S-OLD/evaluation?lang=en", aissata, "csrf=\(token)&content=6&trainer=4&organisation=4&usefulness=5&comment=")
                #expect(bad.status == 422 && bad.body.contains("Content") && bad.body.contains("1 to 5"))
                let good = try await Pages.post(
                    client, "/me/trainings/S-OLD/evaluation?lang=en", aissata,
                    "csrf=\(token)&content=4&trainer=5&organisation=3&usefulness=5&comment=Tr%C3%A8s+utile")
                #expect(good.status == 303)
                #expect(
                    try await Pages.post(
                        client, "/me/trainings/S-OLD/evaluation?lang=en", aissata, "csrf=\(token)&content=1&trainer=1&organisation=1&usefulness=1"
                    ).status != 303, "once only")
                // Before the last day: refused, naming why.
                await #expect(throws: KalanError.invalid(field: "session", problem: .format(.afterLastDay))) {
                    try await evaluations.answer(
                        sessionCode: "S-1", form: .init(content: "3", trainer: "3", organisation: "3", usefulness: "3", comment: nil), member: try await member("AG-2019-7"))
                }
                // Not a participant: not found.
                await #expect(throws: KalanError.notFound(.session, key: "S-OLD")) {
                    try await evaluations.answer(
                        sessionCode: "S-OLD", form: .init(content: "3", trainer: "3", organisation: "3", usefulness: "3", comment: nil), member: try await member("AG-2020-8"))
                }
                // Nothing in the answers names the person.
                let columns = try await pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'evaluation' ORDER BY column_name")
                    .map { try $0.decode("column_name", as: String.self) }
                #expect(columns == ["comment", "content", "id", "organisation", "session_id", "trainer", "usefulness"])

                let hr = try await Pages.signIn(client, "hr")
                let two = try await Pages.get(client, "/statistics/evaluations?lang=en", hr)
                try await evaluations.answer(
                    sessionCode: "S-OLD", form: .init(content: "2", trainer: "4", organisation: "4", usefulness: "3", comment: "Trop court"), member: try await member("T-30"))
                let underThree = try await Pages.get(client, "/statistics/evaluations?by=course&lang=en", hr)
                #expect(two.body.contains("S-OLD") && underThree.body.contains("fewer than 3 answers: not shown"))
                #expect(!underThree.body.contains("Très utile") && !underThree.body.contains("Trop court"), "no comment under 3 answers")
                try await evaluations.answer(
                    sessionCode: "S-OLD", form: .init(content: "3", trainer: "3", organisation: "5", usefulness: "4", comment: nil), member: try await member("T-31"))
                let three = try await Pages.get(client, "/statistics/evaluations?by=session&lang=en", hr)
                #expect(
                    three.body.contains(#"<td data-label="Content">3</td><td data-label="Trainer">4</td><td data-label="Organisation">4</td><td data-label="Use for my job">4</td>"#)
                        && three.body.contains("Très utile"), "\(three.body)")
                let csv = try await Pages.get(client, "/statistics/evaluations.csv?by=partner&lang=en", hr)
                #expect(csv.status == 200 && csv.body.contains("ITRC,3,3.00,4.00,4.00,4.00") && csv.body.contains("Trop court"))
                #expect(try await Pages.get(client, "/statistics/evaluations?lang=en", try await Pages.signIn(client, "trainer")).status == 403)
                #expect(try await Pages.get(client, "/statistics/evaluations?by=nobody&lang=en", hr).status == 422)
            }
        }
    }
}
