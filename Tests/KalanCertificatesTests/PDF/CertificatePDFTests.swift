import Foundation
import KalanCertificates
import KalanCore
import Subprocess
import SystemPackage
import Testing

@Suite("Certificate PDF: searchable accented text, embedded fonts, valid file, QR to the verification page")
struct CertificatePDFTests {
    static func content(_ language: Language, modules: Int = 7) -> CertificateContent {
        let course = Course(
            code: "EGOV-MOSCOU", titleFR: "Séminaire sur la gouvernance électronique", titleEN: "E-governance seminar", domain: "e_governance", hours: 56,
            modules: (1...modules).map { CourseModule(titleFR: "Module \($0) : cadre réglementaire", titleEN: "Module \($0): regulatory framework", hours: 8) })
        let session = TrainingSession(
            code: "S-EGOV-2025-01", courseID: course.id, partnerID: UUID(), startsOn: Day("2025-10-06")!, endsOn: Day("2025-10-17")!, mode: .inPerson,
            city: "Moscou", country: "RU", capacity: 20)
        return CertificateContent(
            serial: "MCENMA-2026-000123", issuedOn: Day("2026-11-24")!, expiresOn: Day("2029-11-24"),
            trainee: Trainee(staffNumber: "MCE-1", givenName: "Djénéba", familyName: "N'Diaye", sex: .female), course: course, session: session,
            partner: Partner(code: "UEEM", name: "Université des études économiques de Moscou", kind: .university, country: "RU"), language: language,
            verificationURL: "http://127.0.0.1:8080/verify/MCENMA-2026-000123")
    }

    /// Writes the PDF to a temporary file and runs a poppler/qpdf/zbar tool on it.
    func tool(_ command: String, _ pdf: Data) async throws -> (code: Int32, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-pdf-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try pdf.write(to: folder.appendingPathComponent("c.pdf"))
        let result = try await Subprocess.run(
            .path(FilePath("/bin/sh")), arguments: ["-c", command], workingDirectory: FilePath(folder.path), input: .none,
            output: .string(limit: 16 << 20), error: .combinedWithOutput)
        let code: Int32 =
            switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        try #require(code != 127, "tool missing (make test installs poppler-utils, qpdf, zbar-tools): \(command)")
        return (code, result.standardOutput)
    }

    @Test func textIsExtractableWithAccentsAndApostropheIntact() async throws {
        let pdf = try CertificateRenderer().render(Self.content(.fr))
        let text = try await tool("pdftotext -layout c.pdf -", pdf).output
        #expect(text.contains("Djénéba N'Diaye"))
        #expect(text.contains("Séminaire sur la gouvernance électronique"))
        #expect(text.contains("MCENMA-2026-000123"))
        #expect(text.contains("24 novembre 2026"))
        #expect(text.contains("CERTIFICAT DE FORMATION"))
    }

    @Test func englishCertificateUsesEnglishLabels() async throws {
        let text = try await tool("pdftotext c.pdf -", try CertificateRenderer().render(Self.content(.en))).output
        #expect(text.contains("CERTIFICATE OF TRAINING"))
        #expect(text.contains("E-governance seminar"))
        #expect(text.contains("24 November 2026"))
    }

    @Test func fileIsValidA4LandscapeWithEmbeddedFonts() async throws {
        let pdf = try CertificateRenderer().render(Self.content(.fr))
        #expect(try await tool("qpdf --check c.pdf", pdf).code == 0)
        let info = try await tool("pdfinfo c.pdf", pdf).output
        #expect(info.contains("841.89 x 595.28 pts (A4)"))
        #expect(info.split(separator: "\n").contains { $0.hasPrefix("Pages:") && $0.hasSuffix(" 1") })
        let fonts = try await tool("pdffonts c.pdf", pdf).output.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for font in fonts { #expect(font.split(separator: " ").contains("yes"), "font not embedded: \(font)") }
    }

    @Test func qrCodeDecodesToTheVerificationURL() async throws {
        let pdf = try CertificateRenderer().render(Self.content(.fr))
        let decoded = try await tool("pdftoppm -r 150 -png c.pdf page && zbarimg --raw -q page-1.png 2>/dev/null", pdf)
        #expect(decoded.output.trimmingCharacters(in: .whitespacesAndNewlines) == "http://127.0.0.1:8080/verify/MCENMA-2026-000123")
    }

    @Test func concurrentRenderingIsSerialisedAndEveryFileIsValid() async throws {
        let renderer = CertificateRenderer()
        let pdfs = try await withThrowingTaskGroup(of: Data.self) { group in
            for i in 0..<8 { group.addTask { try renderer.render(Self.content(i % 2 == 0 ? .fr : .en, modules: 3 + i)) } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(pdfs.count == 8)
        for pdf in pdfs { #expect(try await tool("qpdf --check c.pdf", pdf).code == 0) }
    }
}
