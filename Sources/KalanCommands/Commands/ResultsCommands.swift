import ArgumentParser
import Foundation
import KalanCore

/// `kalan attendance [record] --session …`: the default of `kalan attendance` (AttendanceCommands.swift).
struct AttendanceRecord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record attendance: one day (STAFF=present|absent|excused …) or a whole roster from CSV.",
        discussion: "The CSV has columns staff_number (matricule), day (jour, YYYY-MM-DD) and status (statut); all or nothing.")
    @OptionGroup var global: GlobalOptions
    @Option var session: String
    @Option(help: "The day, YYYY-MM-DD, for marks given as arguments.") var day: String?
    @Option(help: "CSV file with staff_number, day, status.") var file: String?
    @Argument(help: "STAFF=present|absent|excused") var marks: [String] = []
    @Option(help: "The version `kalan results sheet` showed: refuse if someone changed those marks since.") var sheetVersion: String?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            var parsed: [ResultsRecording.AttendanceMark] = []
            if let file { parsed += try AttendanceFile.read(path: file) }
            if !marks.isEmpty {
                let day = try Validate.day(day, field: "--day")
                for (index, text) in marks.enumerated() {
                    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let status = AttendanceStatus(word: parts[1]) else {
                        throw KalanError.invalid(field: "mark[\(index + 1)]", problem: .format(.attendanceMark))
                    }
                    parsed.append(.init(staffNumber: parts[0], day: day, status: status))
                }
            }
            guard !parsed.isEmpty else { throw KalanError.invalid(field: "marks", problem: .required) }
            let versions = try await ctx.results.recordAttendance(sessionCode: session, marks: parsed, expectedVersion: sheetVersion, actor: ctx.actor)
            ctx.say("cli.results.attendance_recorded", ["marks": "\(parsed.count)"])
            if versions.count == 1, let version = versions.first?.value { ctx.say("cli.results.version", ["version": "\(version)"]) }
        }
    }
}

struct Scores: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record pre-test and/or post-test scores (0–100).")
    @OptionGroup var global: GlobalOptions
    @Option var session: String
    @Argument var staff: String
    @Option var pre: Double?
    @Option var post: Double?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            guard pre != nil || post != nil else { throw KalanError.invalid(field: "--pre/--post", problem: .required) }
            if let pre { try await ctx.results.recordScore(sessionCode: session, staffNumber: staff, kind: .pre, score: pre, actor: ctx.actor) }
            if let post { try await ctx.results.recordScore(sessionCode: session, staffNumber: staff, kind: .post, score: post, actor: ctx.actor) }
            ctx.say("cli.results.scores_recorded", ["staff": "\(staff)"])
        }
    }
}

struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close enrolments: completed when the post-test reaches the pass mark and attendance its minimum, else failed.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession
    @Option(help: "Override the computed outcome: completed or failed (needs --reason).") var outcome: String?
    @Option var reason: String?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            var override: (CompletionRule.Outcome, String)?
            if let outcome {
                guard let value = CompletionRule.Outcome(rawValue: outcome) else {
                    throw KalanError.invalid(field: "--outcome", problem: .oneOf(["completed", "failed"]))
                }
                guard let reason = reason?.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
                override = (value, reason)
            }
            let fixed = override
            try await forEachStaff(target.staff, concurrency: 1, in: ctx) { number in
                let done = try await ctx.results.complete(sessionCode: target.session, staffNumber: number, actor: ctx.actor, override: fixed.map { (outcome: $0.0, reason: $0.1) })
                let score = done.postScore.map { Format.number($0, ctx.language) } ?? "-"
                return ctx.t(
                    "cli.results.completed_line",
                    [
                        "staff": number, "status": done.enrolment.status.name(in: ctx.language),
                        "attendance": Format.percent(done.attendanceRate / 100, ctx.language), "post": score,
                    ])
            }
        }
    }
}

/// A session's results as a whole: the day's sheet, closing, reopening (rule 4).
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "A session's results: attendance sheet of a day, close (lock and compute outcomes), reopen.",
        subcommands: [Sheet.self, Close.self, Reopen.self])

    struct Sheet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The attendance saved for one day, the days still unmarked and the sheet's version (for attendance --sheet-version).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument var session: String
        @Option(help: "YYYY-MM-DD") var day: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let day = try Validate.day(day, field: "--day")
                let sheet = try await ctx.results.attendanceSheet(sessionCode: session, day: day, actor: ctx.actor)
                if output.format == .table {
                    let unmarked = sheet.unmarkedDays.map(\.description).joined(separator: ", ")
                    ctx.say("cli.results.sheet_version", ["version": sheet.version, "days": unmarked.isEmpty ? ctx.t("cli.results.none") : unmarked])
                }
                ctx.print(
                    Listing(
                        columns: ["staff_number", "name", "enrolment", "status", "closed"],
                        rows: sheet.lines.map {
                            [$0.staffNumber, $0.fullName, $0.enrolmentStatus.rawValue, $0.status?.rawValue ?? "", $0.closed ? "yes" : "no"]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a session's results: every enrolled line becomes completed or failed by the course's rule; results are then locked.",
            discussion: "Failed lines say why. A reopened certificate holder who no longer passes has the certificate revoked in the same transaction.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument var session: String
        @Flag(help: "Show what closing would decide; save nothing.") var preview = false

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let closed: ClosedResults
                if preview {
                    closed = try await ctx.results.closingPreview(sessionCode: session, actor: ctx.actor)
                } else {
                    closed = try await ctx.results.closeResults(sessionCode: session, actor: ctx.actor)
                }
                if output.format == .table {
                    ctx.say(
                        preview ? "cli.results.rule_preview" : "cli.results.rule",
                        [
                            "pass": "\(closed.passMark)", "attendance": "\(closed.minAttendance)", "completed": "\(closed.completed)",
                            "failed": "\(closed.failed)",
                        ])
                }
                ctx.print(
                    Listing(
                        columns: ["staff_number", "name", "outcome", "attendance_%", "post", "why", "closed_now", "revoked_certificate"],
                        rows: closed.lines.map { line in
                            [
                                line.staffNumber, line.fullName, line.outcome.status.name(in: ctx.language), String(format: "%.0f", line.attendanceRate),
                                line.postScore.map { String(format: "%.1f", $0) } ?? "", line.shortfalls.map { $0.message(in: ctx.language) }.joined(separator: "; "),
                                line.closedNow ? "yes" : "no", line.revokedCertificate ?? "",
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reopen a session's closed results (HR, admin) so that attendance and scores can be corrected; close again to recompute.")
        @OptionGroup var global: GlobalOptions
        @Argument var session: String
        @Option(help: "Why the results are reopened (required; kept in each history and the audit log).") var reason: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let reopened = try await ctx.results.reopenResults(sessionCode: session, reason: reason, actor: ctx.actor)
                ctx.say("cli.results.reopened", ["lines": "\(reopened.lines.count)", "session": "\(reopened.sessionCode)"])
                for line in reopened.lines {
                    let certificate = line.certificate.map { ctx.t("cli.results.certificate", ["serial": $0]) } ?? ""
                    ctx.print("\(line.staffNumber) \(line.fullName): \(line.previousStatus.name(in: ctx.language))\(certificate)")
                }
            }
        }
    }
}
