import Foundation
import KalanCertificates
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@Suite("Certificates (rule 5): completed only, once, unique serials, revocation shown")
struct CertificateIssuingTests {
    let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "https://kalan.example.ml")

    func completed(_ f: WorkflowFixture, count: Int) async throws -> [String] {
        try await f.session("S-1", from: "2030-03-04", to: "2030-03-08", capacity: 40)
        let staff = try await f.staff(count)
        for number in staff {
            try await f.workflow.enrol(staffNumber: number, sessionCode: "S-1", actor: f.hr)
            try await f.results.complete(sessionCode: "S-1", staffNumber: number, actor: f.hr, override: (.completed, "test"))
        }
        return staff
    }

    func issuing(_ f: WorkflowFixture, today: String = "2030-03-09") -> CertificateIssuing {
        CertificateIssuing(repository: f.repository, issuer: issuer, serialPrefix: "KLN", publicURL: "https://kalan.example.ml", clock: .fixed(Day(today)!))
    }

    @Test func certificateOnlyForACompletedEnrolment() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await f.session("S-1")
            let staff = try await f.staff(1)
            try await f.workflow.enrol(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            await #expect(throws: KalanError.rule(.notCompleted)) {
                try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            }
            #expect(try await f.count("certificate") == 0)
        }
    }

    @Test func issuingAgainKeepsTheSerial() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await completed(f, count: 1)
            let first = try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            let again = try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            #expect(first.isNew && !again.isNew)
            #expect(first.certificate.serial.wholeMatch(of: /KLN-2030-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/) != nil, "\(first.certificate.serial)")
            #expect(again.certificate.serial == first.certificate.serial)
            #expect(try await f.count("certificate") == 1)
        }
    }

    @Test func serialsAreUniqueUnderConcurrentIssuing() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await completed(f, count: 30)
            let serials = try await withThrowingTaskGroup(of: String.self) { group in
                for number in staff {
                    group.addTask { try await issuing(f).issue(staffNumber: number, sessionCode: "S-1", actor: f.hr).certificate.serial }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(serials).count == 30)
            #expect(serials.allSatisfy { $0.wholeMatch(of: /KLN-2030-[0-9A-Z]{4}-[0-9A-Z]{4}/) != nil })
            let indexes = try await pool.query("SELECT status_index FROM certificate ORDER BY created_at").map { try $0.decode("status_index", as: Int.self) }
            #expect(Set(indexes).count == 30, "one status bit each")
            #expect(indexes != indexes.sorted(), "indexes do not follow the order of issue")
        }
    }

    @Test func issuedCredentialVerifiesAndStatesTheCourse() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await completed(f, count: 1)
            let issued = try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            let document = try JSONValue(parsing: issued.certificate.credential)
            #expect(DataIntegrity.verify(document, publicKey: issuer.key.publicKey).isVerified)
            // Issue 31: new credentials are signed with a key of the ministry's did:web, which wallets resolve.
            #expect(document["proof"]?[0]?["verificationMethod"] == .string("did:web:kalan.example.ml#\(issuer.publicKeyMultibase)"))
            #expect(document["issuer"]?["id"] == .string("did:web:kalan.example.ml"))
            #expect(issued.certificate.credential.contains("Fondamentaux des télécoms"))
            let check = try #require(try await issuing(f).verify(serial: issued.certificate.serial, language: .fr))
            #expect(check.genuine && check.status == .valid)
            #expect(check.holder == "Aminata Traoré")
        }
    }

    @Test func revocationNeedsAnAdminAndAReasonAndShowsInVerification() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            let staff = try await completed(f, count: 1)
            let serial = try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr).certificate.serial
            await #expect(throws: KalanError.forbidden) { try await issuing(f).revoke(serial: serial, reason: "fraude", actor: f.hr) }
            await #expect(throws: KalanError.rule(.reasonRequired)) { try await issuing(f).revoke(serial: serial, reason: " ", actor: f.admin) }
            try await issuing(f).revoke(serial: serial, reason: "diplôme obtenu par fraude", actor: f.admin)
            let check = try #require(try await issuing(f).verify(serial: serial, language: .en))
            #expect(check.status == .revoked)
            #expect(check.revocationReason == nil, "the public check does not carry the free-text reason")
            #expect(check.revokedOn != nil)
            await #expect(throws: KalanError.rule(.alreadyRevoked)) { try await issuing(f).revoke(serial: serial, reason: "encore", actor: f.admin) }
        }
    }

    @Test func certificateExpiresAfterTheCourseValidity() async throws {
        try await TestDatabase.withPool { pool in
            let f = try await WorkflowFixture.make(pool)
            try await pool.query("UPDATE course SET validity_months = 12 WHERE code = 'TEL-FOND'")
            let staff = try await completed(f, count: 1)
            let issued = try await issuing(f).issue(staffNumber: staff[0], sessionCode: "S-1", actor: f.hr)
            #expect(issued.certificate.expiresOn == Day("2031-03-09"))
            #expect(try await issuing(f, today: "2031-03-09").verify(serial: issued.certificate.serial, language: .fr)?.status == .valid)
            #expect(try await issuing(f, today: "2031-03-10").verify(serial: issued.certificate.serial, language: .fr)?.status == .expired)
        }
    }
}
