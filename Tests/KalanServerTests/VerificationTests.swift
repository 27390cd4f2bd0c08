import Foundation
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanCore
import KalanServer
import KalanStore
import KalanTestSupport
import Logging
import Postgres
import Testing

@Suite("Public verification: page, JSON, pasted credential, issuer profile")
struct VerificationTests {
    /// A completed enrolment with its certificate; returns the serial and the signed credential.
    func issued(_ pool: PostgresPool, issuer: OpenBadgeIssuer) async throws -> (String, String) {
        let repository = PostgresRepository(pool: pool)
        let admin = Actor.commandLine(user: "test")
        let register = Register(repository: repository)
        try await register.addDepartment(code: "DNT", nameFR: "Télécoms", nameEN: "Telecoms", kind: "direction", parentCode: nil, actor: admin)
        try await register.addPartner(code: "UNECA", name: "Commission économique pour l'Afrique", kind: "international_organisation", country: "ET", actor: admin)
        try await register.addCourse(.init(code: "EGOV", titleFR: "Gouvernance électronique", titleEN: "E-governance", domain: "e_governance", hours: 56), actor: admin)
        try await register.addSession(
            .init(code: "S-EGOV", courseCode: "EGOV", partnerCode: "UNECA", startsOn: "2026-03-02", endsOn: "2026-03-13", mode: "online", capacity: 10), actor: admin)
        try await repository.transaction { work in
            try await work.insert(Trainee(staffNumber: "MCE-1", givenName: "Djénéba", familyName: "N'Diaye", sex: .female))
        }
        try await EnrolmentWorkflow(repository: repository).enrol(staffNumber: "MCE-1", sessionCode: "S-EGOV", actor: admin)
        try await ResultsRecording(repository: repository).complete(sessionCode: "S-EGOV", staffNumber: "MCE-1", actor: admin, override: (.completed, "test"))
        let issuing = CertificateIssuing(repository: repository, issuer: issuer, publicURL: "http://test")
        let certificate = try await issuing.issue(staffNumber: "MCE-1", sessionCode: "S-EGOV", actor: admin).certificate
        return (certificate.serial, certificate.credential)
    }

    func app(_ pool: PostgresPool, _ issuer: OpenBadgeIssuer) -> some ApplicationProtocol {
        buildApplication(configuration: .init(publicURL: "http://test"), pool: pool, issuer: issuer, logger: Logger(label: "test"))
    }

    @Test func pageSaysGenuineAndValidAndNamesOnlyWhatTheCertificateShows() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            let (serial, _) = try await issued(pool, issuer: issuer)
            try await app(pool, issuer).test(.router) { client in
                try await client.execute(uri: "/verify/\(serial)", method: .get) { response in
                    #expect(response.status == .ok)
                    let html = String(buffer: response.body)
                    #expect(html.contains("Certificat authentique et valide"))
                    #expect(html.contains("Djénéba N&#39;Diaye"))
                    #expect(!html.contains("MCE-1"), "the staff number is not shown to the public")
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
                try await client.execute(uri: "/api/v1/certificates/\(serial)/verification", method: .get, headers: [.acceptLanguage: "en"]) { response in
                    let check = try JSONDecoder().decode(CertificateIssuing.Verification.self, from: Data(String(buffer: response.body).utf8))
                    #expect(check.genuine && check.status == .valid && check.courseTitle == "E-governance")
                }
            }
        }
    }

    @Test func unknownSerialIsA404NotAnError() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            try await app(pool, issuer).test(.router) { client in
                try await client.execute(uri: "/verify/NOPE-2026-000001", method: .get) { #expect($0.status == .notFound) }
                try await client.execute(uri: "/verify/%3Cscript%3E", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(!String(buffer: response.body).contains("<script>"))
                }
                try await client.execute(uri: "/api/v1/certificates/NOPE/verification", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
            }
        }
    }

    @Test func revocationShowsOnThePage() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            let (serial, _) = try await issued(pool, issuer: issuer)
            try await CertificateIssuing(repository: PostgresRepository(pool: pool), issuer: issuer, publicURL: "http://test")
                .revoke(serial: serial, reason: "erreur de saisie", actor: .commandLine(user: "test"))
            try await app(pool, issuer).test(.router) { client in
                try await client.execute(uri: "/verify/\(serial)?lang=en", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Certificate revoked on"))
                    #expect(!html.contains("erreur de saisie"), "the free-text reason may hold personal data")
                }
            }
        }
    }

    @Test func uploadedCredentialFileIsCheckedLikeAPastedOne() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            let (_, credential) = try await issued(pool, issuer: issuer)
            @Sendable func upload(_ text: String, boundary: String = "----KalanBoundary7MA4YWxk") -> ByteBuffer {
                ByteBuffer(
                    string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"certificat.json\"\r\nContent-Type: application/json\r\n\r\n"
                        + text + "\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n\r\n--\(boundary)--\r\n")
            }
            let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=----KalanBoundary7MA4YWxk"]
            try await app(pool, issuer).test(.router) { client in
                try await client.execute(uri: "/verify?lang=en", method: .post, headers: headers, body: upload(credential)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Genuine and valid certificate"))
                }
                let forged = credential.replacingOccurrences(of: "Djénéba", with: "Fatoumata")
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: upload(forged)) { response in
                    #expect(String(buffer: response.body).contains("Non authentique"))
                }
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: upload("{not json")) { #expect($0.status == .badRequest) }
                try await client.execute(
                    uri: "/verify", method: .post, headers: [.contentType: "multipart/form-data"], body: ByteBuffer(string: "garbage")
                ) { #expect($0.status == .badRequest) }
            }
        }
    }

    /// MultipartKit reads the upload: a malformed body is refused with its reason, never read
    /// with a part quietly left out.
    @Test func malformedUploadIsRefusedWithItsReason() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            let (_, credential) = try await issued(pool, issuer: issuer)
            let boundary = "----KalanBoundary7MA4YWxk"
            let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
            let file = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\n\r\n\(credential)\r\n"
            let bodies: [(String, String)] = [
                // A second part without a field name: before, the parser skipped it and checked the file.
                (file + "--\(boundary)\r\nContent-Type: text/plain\r\n\r\nnameless\r\n--\(boundary)--\r\n", "part 2: no field name"),
                // Cut short: no closing boundary.
                (file + "--\(boundary)\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\nhalf", "ends before its closing boundary"),
                // A header line without a colon.
                ("--\(boundary)\r\nnot a header\r\n\r\nx\r\n--\(boundary)--\r\n", "not valid multipart syntax"),
            ]
            try await app(pool, issuer).test(.router) { client in
                for (body, reason) in bodies {
                    try await client.execute(uri: "/verify?lang=en", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .badRequest)
                        let page = String(buffer: response.body)
                        #expect(page.contains("Unreadable upload"), "\(page.prefix(300))")
                        #expect(page.contains(reason), "expected «\(reason)»")
                    }
                }
            }
        }
    }

    @Test func pastedCredentialIsCheckedAndATamperedOneIsCaught() async throws {
        try await TestDatabase.withPool { pool in
            let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://test")
            let (_, credential) = try await issued(pool, issuer: issuer)
            @Sendable func form(_ text: String) -> ByteBuffer {
                ByteBuffer(string: "credential=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            }
            try await app(pool, issuer).test(.router) { client in
                let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: form(credential)) { response in
                    #expect(String(buffer: response.body).contains("Certificat authentique et valide"))
                }
                let forged = credential.replacingOccurrences(of: "Djénéba", with: "Fatoumata")
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: form(forged)) { response in
                    #expect(String(buffer: response.body).contains("Non authentique"))
                }
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: form("{not json")) { #expect($0.status == .badRequest) }
                try await client.execute(uri: "/issuer", method: .get) { response in
                    #expect(String(buffer: response.body).contains(issuer.publicKeyMultibase))
                }
            }
        }
    }
}
