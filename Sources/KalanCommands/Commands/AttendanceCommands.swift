import ArgumentParser
import Foundation
import KalanCore
import KalanPrint
import KalanStore

/// `kalan attendance`: marks (`record`, the default: `kalan attendance --session … STAFF=present`) and
/// the printed sign-in sheet (`sheet`).
struct Attendance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record attendance (one day, or a whole roster from CSV), or print a session's sign-in sheet.",
        subcommands: [AttendanceRecord.self, AttendanceSheetCommand.self, AttendanceScanCommand.self, AttendanceScansCommand.self],
        defaultSubcommand: AttendanceRecord.self)
}

/// `kalan attendance sheet SESSION --pdf FILE`: the session's sign-in sheet (feuille d'émargement)
/// to print, with the QR code of each day pointing at the public address the database records.
struct AttendanceSheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet", abstract: "Write a session's sign-in sheet (feuille d'émargement) as a PDF: one A4 page per training day.",
        discussion: "Each page lists the seat holders in the roster's order with a signature box per half-day, and a QR code to that day's attendance page.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The session code.") var session: String
    @Option(help: "The PDF file to write.") var pdf: String
    @Option(help: "Only this day, YYYY-MM-DD (default: every training day).") var day: String?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            let only = try day.map { try Validate.day($0, field: "--day") }
            let content = try await SignInSheets(repository: ctx.repository).content(sessionCode: session, day: only, actor: ctx.actor)
            let recorded = try await SigningKeyInUse.record(on: ctx.runtime.pool)
            let publicURL = try await CommandIssuer.publicURL(ctx, global, recorded: recorded, for: .reads)
            let data = try SignInSheetRenderer().render(content, language: ctx.language, publicURL: publicURL)
            do {
                try data.write(to: URL(fileURLWithPath: pdf), options: .atomic)
            } catch {
                throw CommandFailure(text: ctx.t("room.sheet.cli_unwritable", ["path": pdf, "reason": error.localizedDescription]))
            }
            ctx.say("room.sheet.cli_written", ["path": pdf, "pages": String(content.days.count), "people": String(content.people.count)])
        }
    }
}

/// `kalan attendance scan SESSION --day D FILE`: the signed sheet of a day, scanned (PDF, JPEG, PNG).
struct AttendanceScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Keep the signed sign-in sheet of a day, scanned or photographed (PDF, JPEG or PNG, at most 10 MiB).",
        discussion: "The type is read from the file's content. A scan is never replaced: a second one is kept beside the first.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The session code.") var session: String
    @Option(help: "The training day, YYYY-MM-DD.") var day: String
    @Argument(help: "The scanned file.") var file: String

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            let day = try Validate.day(day, field: "--day")
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            if let size = attributes?[.size] as? Int, size > AttendanceScans.maxBytes { throw KalanError.tooLarge(maxBytes: AttendanceScans.maxBytes) }
            guard let content = FileManager.default.contents(atPath: file) else {
                throw CommandFailure(text: ctx.t("room.scan.cli_unreadable", ["path": file]))
            }
            let done = try await AttendanceScans(repository: ctx.repository, clock: ctx.clock).upload(
                sessionCode: session, day: day, fileName: file, content: content, actor: ctx.actor)
            ctx.say(
                done.added ? "room.scan.cli_added" : "room.scan.done_same",
                ["type": done.scan.mediaType.label, "day": done.scan.day.description, "sha256": done.scan.sha256])
        }
    }
}

/// `kalan attendance scans SESSION [--day D]`: the scans kept for a session.
struct AttendanceScansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scans", abstract: "List the signed sign-in sheets kept for a session (or one day).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption
    @Argument(help: "The session code.") var session: String
    @Option(help: "Only this day, YYYY-MM-DD.") var day: String?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            let only = try day.map { try Validate.day($0, field: "--day") }
            let found = try await AttendanceScans(repository: ctx.repository, clock: ctx.clock).scans(sessionCode: session, day: only, actor: ctx.actor)
            ctx.print(
                Listing(
                    columns: ["day", "file", "type", "bytes", "sha256", "uploaded_by", "uploaded_at"],
                    rows: found.map {
                        [$0.day.description, $0.fileName, $0.mediaType.label, String($0.size), $0.sha256, $0.uploadedBy, ISO8601DateFormatter().string(from: $0.uploadedAt)]
                    }
                ).render(output.format))
        }
    }
}
