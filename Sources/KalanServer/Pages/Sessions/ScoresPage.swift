import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// Pre- and post-test scores of a session's seat holders. Closed lines are shown but locked. The
/// form says what it showed: unchanged values are left alone, and a value someone else changed
/// since the form was read is not overwritten (the form comes back with what is saved now).
struct ScoresPage: Sendable {
    let repository: any KalanRepository

    struct Line {
        var staff, name: String
        var closed: Bool
        var pre, post, wasPre, wasPost: String
        /// Why a typed score was refused, shown beside its field (and tied to it for screen readers).
        var preError, postError: String?
    }

    struct View {
        var code, path, course: String
        var lines: [Line]
        var hasLines: Bool
    }

    var recording: ResultsRecording { ResultsRecording(repository: repository) }

    func show(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let flash: PageContext.Flash? = request.formQuery.get("done") == "scores" ? .ok([page.t("roster.done.scores")]) : nil
        return try await render(page, code: code, actor: actor, flash: flash)
    }

    func save(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        var entries: [ResultsRecording.ScoreEntry] = []
        var invalid: [String: String] = [:]
        for (name, value) in fields.all {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = AssessmentKind(rawValue: parts[0]) else { continue }
            let text = Self.number(value)
            if text.isEmpty { continue }
            guard let score = Double(text), score.isFinite, (0...100).contains(score) else {
                invalid[name] = KalanError.FieldProblem.range(min: 0, max: 100).message(in: page.language)
                continue
            }
            // What the form showed: a score saved since as something else is not overwritten.
            if let was = fields["was.\(name)"].map(Self.number) {
                entries.append(.init(staffNumber: parts[1], kind: kind, score: score, shown: was.isEmpty ? nil : Double(was)))
            } else {
                entries.append(.init(staffNumber: parts[1], kind: kind, score: score))
            }
        }
        if !invalid.isEmpty {
            // Every refused score is marked beside its field; nothing is saved.
            return try await render(
                page, code: code, actor: actor, typed: fields, errors: invalid, flash: .bad([page.t("scores.invalid", ["count": String(invalid.count)])]),
                status: .unprocessableContent)
        }
        do {
            try await recording.recordScores(sessionCode: code, scores: entries, actor: actor)
        } catch let error as KalanError {
            guard case .scoresChanged = error else { throw error }
            return try await render(page, code: code, actor: actor, flash: .bad([error.message(in: page.language)]), status: .conflict)
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))/scores", done: "scores")
    }

    /// A typed number as Swift reads it: spaces dropped, a decimal comma as a point.
    static func number(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
    }

    func render(
        _ page: PageRequest, code: String, actor: Actor, typed: URLEncodedForm? = nil, errors: [String: String] = [:], flash: PageContext.Flash? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = page.language
        let (session, lines) = try await recording.roster(sessionCode: code, actor: actor)
        guard actor.canRecord(for: session) else { throw KalanError.forbidden }
        let course = try await SessionQueries(repository: repository).course(of: session, actor: actor)
        let shown = lines.filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }.map { line -> Line in
            let staff = line.trainee.staffNumber
            let pre = line.preScore.map { Format.number($0, language) } ?? ""
            let post = line.postScore.map { Format.number($0, language) } ?? ""
            return Line(
                staff: staff, name: line.trainee.fullName, closed: line.enrolment.status.resultsClosed,
                pre: typed?["pre.\(staff)"] ?? pre, post: typed?["post.\(staff)"] ?? post,
                wasPre: typed?["was.pre.\(staff)"] ?? pre, wasPost: typed?["was.post.\(staff)"] ?? post, preError: errors["pre.\(staff)"],
                postError: errors["post.\(staff)"])
        }
        let view = View(code: session.code, path: PageRequest.segment(session.code), course: course?.title(in: language) ?? "", lines: shown, hasLines: !shown.isEmpty)
        return page.render("scores", title: page.t("scores.title"), view: view, flash: flash, wide: true, status: status)
    }
}
