import Foundation
import KalanCertificates
import KalanCore
import Postgres

// kalan-bench certificates COUNT [OUTDIR]
//   Signs and renders COUNT certificates (Open Badges 3.0 credential with an eddsa-rdfc-2022
//   proof, then the PDF with its QR code), writing each PDF, and prints the time per certificate.
// kalan-bench copy COUNT URL FILE
//   Writes COUNT staff-like rows to FILE (tab-separated), then sends FILE through the Postgres
//   client's COPY FROM STDIN into a plain table at URL, and prints the rows per second.
let arguments = CommandLine.arguments
if arguments.count == 5, arguments[1] == "copy", let count = Int(arguments[2]) {
    try await copyBenchmark(count: count, url: arguments[3], file: arguments[4])
    exit(0)
}
guard arguments.count >= 3, arguments[1] == "certificates", let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: kalan-bench certificates COUNT [OUTDIR] | kalan-bench copy COUNT URL FILE\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments.count > 3 ? arguments[3] : NSTemporaryDirectory())
let issuer = OpenBadgeIssuer(key: .generate(), publicURL: "http://127.0.0.1:8080")
let renderer = CertificateRenderer()
let course = Course(
    code: "EGOV-MOSCOU", titleFR: "Séminaire sur la gouvernance électronique", titleEN: "E-governance seminar", domain: "e_governance", hours: 56,
    modules: (1...7).map { CourseModule(titleFR: "Module \($0) : cadre réglementaire", titleEN: "Module \($0)", hours: 8) })
let session = TrainingSession(
    code: "S-EGOV", courseID: course.id, partnerID: UUID(), startsOn: Day("2025-10-06")!, endsOn: Day("2025-10-17")!, mode: .inPerson, city: "Moscou",
    country: "RU", capacity: 20)
let partner = Partner(code: "UEEM", name: "Université des études économiques de Moscou", kind: .university, country: "RU")
let trainee = Trainee(staffNumber: "MCE-1", givenName: "Djénéba", familyName: "N'Diaye", sex: .female)
let stopwatch = Stopwatch()
var bytes = 0
for n in 0..<count {
    let serial = String(format: "MCENMA-2026-%06d", n + 1)
    let content = CertificateContent(
        serial: serial, issuedOn: Day("2026-11-24")!, expiresOn: nil, trainee: trainee, course: course, session: session, partner: partner, language: .fr,
        verificationURL: "http://127.0.0.1:8080/verify/\(serial)")
    _ = try issuer.signedCredential(for: content)
    let pdf = try renderer.render(content)
    bytes += pdf.count
    try pdf.write(to: folder.appendingPathComponent("kalan-\(n).pdf"))
}
let elapsed = stopwatch.seconds
print(String(format: "kalan: %d certificates (sign + PDF) in %.2f s, %.2f ms per certificate, %.0f KB each", count, elapsed, 1000 * elapsed / Double(count), Double(bytes) / Double(count) / 1024))
