import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// A session's results: the completion rule, each line's outcome (what closing would decide, or
/// what was decided) and why a line fails; closing (those who record) and reopening with a reason
/// (HR and admins).
struct ResultsPage: Sendable {
    let repository: any KalanRepository

    struct Line {
        var staff, name, attendance, post, outcome: String
        var closed: Bool
        var why: String
    }

    struct View {
        var code, path, course, rule: String
        var lines: [Line]
        var hasLines, canClose, canReopen: Bool
        /// "Closing now decides N completed and M failed": the box to tick before closing.
        var closeConfirm: String
        /// Completed lines still without a valid certificate, and who issues them.
        var due: Due?
    }

    struct Due {
        var text: String
        var canIssue: Bool
        var who: String?
    }

    var recording: ResultsRecording { ResultsRecording(repository: repository) }

    func show(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        var flash: PageContext.Flash?
        if let done = request.formQuery.get("done"), ["closed", "reopened"].contains(done) { flash = .ok([page.t("roster.done.\(done)")]) }
        return try await render(page, code: code, actor: actor, flash: flash)
    }

    func close(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard fields["confirm"] == "1" else {
            // Closing locks attendance and scores: only after the person confirmed the outcome counts.
            let (session, _) = try await recording.roster(sessionCode: code, actor: actor)
            guard actor.canRecord(for: session) else { throw KalanError.forbidden }
            return try await render(page, code: code, actor: actor, flash: .bad([page.t("results.confirm_needed")]), status: .unprocessableContent)
        }
        let closed = try await recording.closeResults(sessionCode: code, actor: actor)
        var lines = [page.t("results.closed_summary", ["completed": String(closed.completed), "failed": String(closed.failed)])]
        for line in closed.lines {
            if let serial = line.revokedCertificate { lines.append(page.t("results.revoked_line", ["name": line.fullName, "serial": serial])) }
        }
        // Someone who newly passes (after a reopening, say) has no certificate yet: say how many are due.
        let session = try await recording.roster(sessionCode: code, actor: actor).0
        let valid = try await SessionQueries(repository: repository).certificates(of: session, actor: actor).certificates.filter { $0.revokedAt == nil }.count
        let due = max(0, closed.completed - valid)
        if due > 0 { lines.append(page.t("results.certificates_due", ["count": String(due)])) }
        return try await render(page, code: code, actor: actor, flash: .ok(lines))
    }

    func reopen(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        guard fields["confirm"] == "1" else { throw KalanError.invalid(field: "confirm", problem: .required) }
        _ = try await recording.reopenResults(sessionCode: code, reason: String((fields["reason"] ?? "").prefix(500)), actor: actor)
        return page.redirect("/sessions/\(PageRequest.segment(code))/results", done: "reopened")
    }

    func render(_ page: PageRequest, code: String, actor: Actor, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let language = page.language
        let preview = try await recording.closingPreview(sessionCode: code, actor: actor)
        let (session, _) = try await recording.roster(sessionCode: code, actor: actor)
        let (course, certificates) = try await SessionQueries(repository: repository).certificates(of: session, actor: actor)
        let pending = preview.lines.filter(\.closedNow)
        let closeConfirm = page.t(
            "results.confirm_close",
            [
                "completed": String(pending.filter { $0.outcome == .completed }.count), "failed": String(pending.filter { $0.outcome == .failed }.count),
            ])
        // Closed as completed, and no certificate yet (or only a revoked one): certificates due.
        let passed = preview.lines.filter { !$0.closedNow && $0.outcome == .completed }.count
        let dueCount = max(0, passed - certificates.filter { $0.revokedAt == nil }.count)
        let due =
            dueCount == 0
            ? nil
            : Due(
                text: page.t("results.certificates_due", ["count": String(dueCount)]), canIssue: actor.managesRegister,
                who: actor.managesRegister ? nil : page.t("results.certificates_who"))
        let lines = preview.lines.map { line in
            Line(
                staff: line.staffNumber, name: line.fullName, attendance: Format.percent(line.attendanceRate / 100, language),
                post: line.postScore.map { Format.number($0, language) } ?? "–",
                outcome: line.outcome.status.name(in: language), closed: !line.closedNow,
                why: line.shortfalls.map { $0.message(in: language) }.joined(separator: " ; "))
        }
        let view = View(
            code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "",
            rule: page.t("results.rule", ["pass": String(preview.passMark), "attendance": String(preview.minAttendance)]), lines: lines,
            hasLines: !lines.isEmpty, canClose: actor.canRecord(for: session) && preview.lines.contains { $0.closedNow },
            canReopen: actor.managesRegister && preview.lines.contains { !$0.closedNow }, closeConfirm: closeConfirm, due: due)
        return page.render("results", title: page.t("results.title"), view: view, flash: flash, wide: true, status: status)
    }
}
