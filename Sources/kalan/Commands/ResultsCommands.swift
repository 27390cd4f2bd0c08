import ArgumentParser
import Foundation
import KalanCore

struct Attendance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record attendance: one day (STAFF=present|absent|excused …) or a whole roster from CSV.",
        discussion: "The CSV has columns staff_number (matricule), day (jour, YYYY-MM-DD) and status (statut); all or nothing.")
    @OptionGroup var global: GlobalOptions
    @Option var session: String
    @Option(help: "The day, YYYY-MM-DD, for marks given as arguments.") var day: String?
    @Option(help: "CSV file with staff_number, day, status.") var file: String?
    @Argument(help: "STAFF=present|absent|excused") var marks: [String] = []

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            var parsed: [ResultsRecording.AttendanceMark] = []
            if let file { parsed += try AttendanceFile.read(path: file) }
            if !marks.isEmpty {
                let day = try Validate.day(day, field: "--day")
                for (index, text) in marks.enumerated() {
                    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let status = AttendanceStatus(word: parts[1]) else {
                        throw KalanError.invalid(field: "mark[\(index + 1)]", problem: .format(expected: "STAFF=present|absent|excused"))
                    }
                    parsed.append(.init(staffNumber: parts[0], day: day, status: status))
                }
            }
            guard !parsed.isEmpty else { throw KalanError.invalid(field: "marks", problem: .required) }
            try await ctx.results.recordAttendance(sessionCode: session, marks: parsed, actor: ctx.actor)
            ctx.say("\(parsed.count) présence(s) enregistrée(s).", "\(parsed.count) attendance mark(s) recorded.")
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
            ctx.say("Notes enregistrées pour \(staff).", "Scores recorded for \(staff).")
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
                let score = done.postScore.map { String(format: "%.1f", $0) } ?? "-"
                return "\(number): \(done.enrolment.status.rawValue) (" + (ctx.fr ? "présence" : "attendance") + String(format: " %.0f %%, post-test %@)", done.attendanceRate, score)
            }
        }
    }
}
