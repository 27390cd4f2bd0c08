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
        subcommands: [AttendanceRecord.self, AttendanceSheetCommand.self], defaultSubcommand: AttendanceRecord.self)
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
