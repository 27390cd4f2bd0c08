import Foundation
import KalanCore
import KalanPrint
import Subprocess
import SystemPackage
import Testing

@Suite("Sign-in sheet PDF: every name and staff number as text, one page per day, QR to the day's attendance page")
struct SignInSheetPDFTests {
    static let names: [(String, String, String)] = [
        ("MCE-0001", "Djénéba", "N'Diaye"), ("MCE-0002", "Moussa", "Ag Ilyène"), ("MCE-0003", "Aïssata", "Maïga"), ("MCE-0004", "Oumar", "Touré"),
    ]

    static func content(people: Int = 4, days: [Day]? = nil) -> SignInSheetContent {
        let course = Course(
            code: "CYBER-101", titleFR: "Cybersécurité des infrastructures de l'État", titleEN: "Cybersecurity of government infrastructure",
            domain: "cybersecurity", hours: 30, modules: [])
        let session = TrainingSession(
            code: "S-CYB-2026-03", courseID: course.id, partnerID: UUID(), startsOn: Day("2026-03-02")!, endsOn: Day("2026-03-04")!, mode: .inPerson,
            city: "Bamako", country: "ML", capacity: 60)
        let listed = (0..<people).map { index -> SignInSheetContent.Person in
            let (staff, given, family) = names[index % names.count]
            let number = index < names.count ? staff : "MCE-\(String(format: "%04d", index + 1))"
            return .init(staffNumber: number, fullName: "\(given) \(family)", department: index % 2 == 0 ? "AGETIC" : "DNTIC")
        }
        return SignInSheetContent(
            session: session, course: course, partner: Partner(code: "AMRTP", name: "Autorité malienne de régulation", kind: .nationalAgency, country: "ML"),
            trainers: ["Fatoumata Coulibaly"], days: days ?? session.trainingDays, people: listed)
    }

    /// Writes the PDF to a temporary folder and runs a poppler/zbar tool on it there.
    func tool(_ command: String, _ pdf: Data) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-sheet-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try pdf.write(to: folder.appendingPathComponent("s.pdf"))
        let result = try await Subprocess.run(
            .path(FilePath("/bin/sh")), arguments: ["-c", command], workingDirectory: FilePath(folder.path), input: .none,
            output: .string(limit: 16 << 20), error: .discarded)
        if case .exited(let code) = result.terminationStatus {
            try #require(code != 127, "tool missing (make test installs poppler-utils and zbar-tools): \(command)")
        }
        return result.standardOutput ?? ""
    }

    @Test func everyNameAndStaffNumberIsText() async throws {
        let pdf = try SignInSheetRenderer().render(Self.content(), language: .fr, publicURL: "http://127.0.0.1:8080")
        let text = try await tool("pdftotext -layout s.pdf -", pdf)
        for (staff, given, family) in Self.names {
            #expect(text.contains(staff))
            #expect(text.contains("\(given) \(family)"))
        }
        #expect(text.contains("FEUILLE D'ÉMARGEMENT"))
        #expect(text.contains("Cybersécurité des infrastructures de l'État"))
        #expect(text.contains("Autorité malienne de régulation"))
        #expect(text.contains("Fatoumata Coulibaly"))
        #expect(text.contains("Lundi 2 mars 2026"))
        #expect(text.contains("AGETIC"))
    }

    @Test func onePagePerTrainingDayInA4Portrait() async throws {
        let pdf = try SignInSheetRenderer().render(Self.content(), language: .fr, publicURL: "http://127.0.0.1:8080")
        let info = try await tool("pdfinfo s.pdf", pdf)
        #expect(info.contains(/Pages:\s+3\n/))
        #expect(info.contains("595.28 x 841.89 pts (A4)"))
    }

    @Test func aLongRosterContinuesOnMorePagesOfTheSameDay() async throws {
        let pdf = try SignInSheetRenderer().render(Self.content(people: 40, days: [Day("2026-03-03")!]), language: .en, publicURL: "http://x.test/")
        let text = try await tool("pdftotext -layout s.pdf -", pdf)
        #expect(text.contains("SIGN-IN SHEET"))
        #expect(text.contains("Tuesday 3 March 2026"))
        #expect(text.contains("MCE-0040"))
        #expect(text.contains("sheet 2/"))
        let pages = try await tool("pdfinfo s.pdf", pdf)
        #expect(pages.contains(/Pages:\s+[2-9]\n/))
    }

    @Test func qrCodeOfEachPageOpensThatDaysAttendancePage() async throws {
        let pdf = try SignInSheetRenderer().render(Self.content(), language: .fr, publicURL: "https://kalan.example.ml/")
        let decoded = try await tool("pdftoppm -r 150 -png s.pdf page && for p in page-*.png; do zbarimg --raw -q $p; done", pdf)
        let urls = decoded.split(separator: "\n").map(String.init)
        #expect(
            urls == ["2026-03-02", "2026-03-03", "2026-03-04"].map { "https://kalan.example.ml/sessions/S-CYB-2026-03/attendance?day=\($0)" })
    }
}
