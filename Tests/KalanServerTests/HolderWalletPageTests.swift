import Foundation
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Postgres
import Testing

/// Issue 31 on the holder's side and in the roster: the staff member offers their own certificate
/// to their wallet and sees the wallets that hold it; HR finds the offer from the roster's line.
@Suite("Wallet offers from the holder's page and the roster")
struct HolderWalletPageTests {
    /// Aïssata completed S-DONE (over before the fixture's today) and holds its certificate.
    static func certified(_ pool: PostgresPool) async throws -> String {
        let repository = PostgresRepository(pool: pool)
        let admin = Actor.commandLine(user: "test")
        try await Register(repository: repository).addSession(
            .init(code: "S-DONE", courseCode: "TEL", partnerCode: "ITRC", startsOn: "2027-05-03", endsOn: "2027-05-07", mode: "online", capacity: 5),
            actor: admin)
        try await EnrolmentWorkflow(repository: repository, clock: APIFixture.clock).enrol(staffNumber: "AG-2019-7", sessionCode: "S-DONE", actor: admin)
        _ = try await ResultsRecording(repository: repository).complete(sessionCode: "S-DONE", staffNumber: "AG-2019-7", actor: admin, override: (.completed, "test"))
        let issuing = CertificateIssuing(
            repository: repository, issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), publicURL: "http://test", clock: APIFixture.clock)
        return try await issuing.issue(staffNumber: "AG-2019-7", sessionCode: "S-DONE", actor: admin).certificate.serial
    }

    @Test func theHolderOffersTheirOwnCertificateAndNobodyElseCan() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await StaffDoor.addPeople(pool)
            let serial = try await Self.certified(pool)
            try await f.app().test(.router) { client in
                let aissata = try await StaffDoor.signIn(client, pool, identifier: "AG-2019-7", address: "aissata.maiga@mcenma.ml")
                let mine = try await Pages.get(client, "/me?lang=en", aissata)
                #expect(mine.body.contains("Receive in my wallet") && mine.body.contains("/me/certificates/\(serial)/wallet"))
                let wallets = try await Pages.get(client, "/me/certificates/\(serial)/wallet?lang=en", aissata)
                #expect(wallets.status == 200 && wallets.body.contains(serial) && !wallets.body.contains("Wallets that hold a copy"), "no wallet holds it yet")
                let offered = try await Pages.post(client, "/me/certificates/\(serial)/wallet?lang=en", aissata, "csrf=\(try Pages.csrf(wallets.body))")
                #expect(offered.status == 200 && offered.body.contains("lcw.app/request") && offered.body.contains("openid-credential-offer"))
                #expect(offered.body.contains("sent to you by SMS"), "the holder is told the code was sent, not shown it")
                let live = try await pool.query("SELECT count(*)::int AS n FROM wallet_offer WHERE status = 'live'").firstRow().decode("n", as: Int.self)
                #expect(live == 1)
                // Moussa holds no certificate of that serial: the page and the offer are nothing to him.
                let moussa = try await StaffDoor.signIn(client, pool, identifier: "AG-2020-8", address: "moussa@mcenma.ml")
                #expect(try await Pages.get(client, "/me/certificates/\(serial)/wallet?lang=en", moussa).status == 404)
                let token = try Pages.csrf(try await Pages.get(client, "/me?lang=en", moussa).body)
                #expect(try await Pages.post(client, "/me/certificates/\(serial)/wallet?lang=en", moussa, "csrf=\(token)").status == 404)
                #expect(try await pool.query("SELECT count(*)::int AS n FROM wallet_offer").firstRow().decode("n", as: Int.self) == 1)
                // HR reaches the offer from the participant's line in the roster.
                let roster = try await Pages.get(client, "/sessions/S-DONE?lang=en", try await Pages.signIn(client, "hr"))
                #expect(roster.body.contains("/certificates/\(serial)/wallet"))
                let trainer = try await Pages.get(client, "/sessions/S-DONE?lang=en", try await Pages.signIn(client, "trainer"))
                #expect(!trainer.body.contains("/certificates/\(serial)/wallet"))
            }
        }
    }
}
