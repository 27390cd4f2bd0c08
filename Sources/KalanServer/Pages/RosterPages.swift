import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// Sessions and rosters for signed-in staff: trainers see and record the sessions they train, HR
/// and admins every session and may enrol staff; viewers read. Forms carry the session's form
/// token; every change goes through the same use cases as the CLI and the API.
struct RosterPages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    func addRoutes(to router: Router<KalanRequestContext>) {
        router.get("sessions") { request, _ in try await list(request) }
        router.get("sessions/:code") { request, context in try await roster(request, code: try context.parameters.require("code")) }
        router.post("sessions/:code/attendance") { request, context in try await attendance(request, code: try context.parameters.require("code")) }
        router.post("sessions/:code/enrolments") { request, context in try await enrol(request, code: try context.parameters.require("code")) }
        router.post("sessions/:code/scores") { request, context in try await scores(request, code: try context.parameters.require("code")) }
        router.post("sessions/:code/decision") { request, context in try await decide(request, code: try context.parameters.require("code")) }
        router.post("sessions/:code/completion") { request, context in try await complete(request, code: try context.parameters.require("code")) }
    }

    func list(_ request: Request) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (user, _) = try await accounts.signedIn(request) else { return HTML.toLogin(language) }
        var filter = SessionFilter.visible(to: user.actor)
        filter.order = .startsOnDescending
        filter.limit = 500
        if let status = request.uri.queryParameters.get("status"), !status.isEmpty { filter.status = SessionStatus(rawValue: status) }
        let query = filter
        let (sessions, courses) = try await repository.transaction { work in (try await work.sessions(query), try await work.courses()) }
        let byID = Dictionary(uniqueKeysWithValues: courses.map { ($0.id, $0) })
        var rows = ""
        for s in sessions {
            let course = byID[s.courseID]
            let place = s.mode == .online ? (fr ? "en ligne" : "online") : [s.city, s.country].compactMap { $0 }.joined(separator: ", ")
            rows += """
                <tr><td><a href="/sessions/\(HTML.escape(s.code))?lang=\(language.rawValue)">\(HTML.escape(s.code))</a></td><td>\(HTML.escape(course?.title(in: language) ?? ""))</td>
                <td>\(s.startsOn) → \(s.endsOn)</td><td>\(HTML.escape(place))</td><td class="n">\(s.capacity)</td><td>\(s.status.rawValue)</td></tr>
                """
        }
        var options = "<option value=\"\">\(fr ? "tous" : "all")</option>"
        for status in SessionStatus.allCases {
            options += "<option value=\"\(status.rawValue)\"\(filter.status == status ? " selected" : "")>\(status.rawValue)</option>"
        }
        let body = """
            <div class="card"><h1>\(fr ? "Sessions" : "Sessions")</h1>
            <form method="get" action="/sessions" class="filters"><input type="hidden" name="lang" value="\(language.rawValue)">
            <div><label for="status">\(fr ? "Statut" : "Status")</label><select id="status" name="status">\(options)</select></div>
            <div><button type="submit">\(fr ? "Filtrer" : "Filter")</button></div></form>
            \(sessions.isEmpty ? "<p>\(fr ? "Aucune session." : "No session.")</p>" : "")
            <div class="scroll"><table><thead><tr><th>\(fr ? "code" : "code")</th><th>\(fr ? "formation" : "course")</th><th>\(fr ? "dates" : "dates")</th><th>\(fr ? "lieu" : "place")</th><th>\(fr ? "places" : "seats")</th><th>\(fr ? "statut" : "status")</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></div>
            """
        return HTML.page(title: "Sessions", language: language, body: body, wide: true)
    }

    func roster(_ request: Request, code: String, message: (text: String, ok: Bool)? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (user, csrf) = try await accounts.signedIn(request) else { return HTML.toLogin(language) }
        let actor = user.actor
        let session: TrainingSession, lines: [RosterLine]
        do {
            guard code.utf8.count <= 40 else { throw KalanError.notFound(.session, key: String(code.prefix(40))) }
            (session, lines) = try await ResultsRecording(repository: repository).roster(sessionCode: code, actor: actor)
        } catch let error as KalanError {
            return HTML.page(
                title: "Session", language: language, body: "<div class=\"card\"><p class=\"verdict bad\">\(HTML.escape(error.message(in: language)))</p></div>",
                status: .notFound)
        }
        let course = try await repository.transaction { try await $0.course(id: session.courseID) }
        let days = session.trainingDays
        var done = message
        if done == nil, let flag = request.uri.queryParameters.get("done") {
            switch flag {
            case "attendance": done = (fr ? "Présences enregistrées." : "Attendance recorded.", true)
            case "enrolments": done = (fr ? "Inscriptions traitées." : "Enrolments processed.", true)
            case "scores": done = (fr ? "Scores enregistrés." : "Scores recorded.", true)
            case "decision": done = (fr ? "Décision enregistrée." : "Decision recorded.", true)
            default: break
            }
        }
        var body = "<div class=\"card\"><h1>\(HTML.escape(session.code)) · \(HTML.escape(course?.title(in: language) ?? ""))</h1>"
        body += "<p class=\"muted\">\(session.startsOn) → \(session.endsOn) · \(days.count) \(fr ? "jours de formation" : "training days") · \(session.capacity) \(fr ? "places" : "seats") · \(session.status.rawValue)</p>"
        if let done { body += "<p class=\"verdict \(done.ok ? "ok" : "bad")\" role=\"status\">\(HTML.escape(done.text).replacingOccurrences(of: "\n", with: "<br>"))</p>" }
        let decides = actor.managesRegister
        body += "<div class=\"scroll\"><table><thead><tr><th>\(fr ? "matricule" : "staff no.")</th><th>\(fr ? "nom" : "name")</th><th>\(fr ? "direction" : "department")</th><th>\(fr ? "statut" : "status")</th><th>\(fr ? "assiduité %" : "attendance %")</th><th>\(fr ? "pré" : "pre")</th><th>\(fr ? "post" : "post")</th>\(decides ? "<th></th>" : "")</tr></thead><tbody>"
        for line in lines {
            let position = line.enrolment.waitlistPosition.map { " (\($0))" } ?? ""
            body += "<tr><td>\(HTML.escape(line.trainee.staffNumber))</td><td>\(HTML.escape(line.trainee.fullName))</td><td>\(HTML.escape(line.departmentCode ?? ""))</td>"
            body += "<td>\(HTML.escape(line.enrolment.status.name(in: language)))\(position)</td>"
            body += "<td class=\"n\">\(String(format: "%.0f", line.attendanceRate(trainingDays: days.count)))</td>"
            body += "<td class=\"n\">\(line.preScore.map { String(format: "%.0f", $0) } ?? "–")</td><td class=\"n\">\(line.postScore.map { String(format: "%.0f", $0) } ?? "–")</td>"
            if decides { body += "<td>\(decisions(line, session: session, csrf: csrf, language: language))</td>" }
            body += "</tr>"
        }
        body += "</tbody></table></div>" + (lines.isEmpty ? "<p>\(fr ? "Personne n'est inscrit." : "Nobody is enrolled.")</p>" : "") + "</div>"
        let present = lines.filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }
        if actor.canRecord(for: session), !present.isEmpty, !days.isEmpty {
            var options = ""
            let today = Day.today()
            let chosen = days.contains(today) ? today : days[0]
            for day in days { options += "<option value=\"\(day)\"\(day == chosen ? " selected" : "")>\(day)</option>" }
            var marks = ""
            for line in present {
                let number = HTML.escape(line.trainee.staffNumber)
                marks += "<tr><td>\(number)</td><td>\(HTML.escape(line.trainee.fullName))</td>"
                for status in AttendanceStatus.allCases {
                    let label = fr ? ["present": "présent", "absent": "absent", "excused": "excusé"][status.rawValue]! : status.rawValue
                    marks += "<td><label class=\"inline\"><input type=\"radio\" name=\"m.\(number)\" value=\"\(status.rawValue)\"\(status == .present ? " checked" : "")> \(label)</label></td>"
                }
                marks += "</tr>"
            }
            body += """
                <div class="card"><h2>\(fr ? "Feuille de présence" : "Attendance sheet")</h2>
                <form method="post" action="/sessions/\(HTML.escape(session.code))/attendance?lang=\(language.rawValue)"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <label for="day">\(fr ? "Jour" : "Day")</label><select id="day" name="day">\(options)</select>
                <div class="scroll"><table><tbody>\(marks)</tbody></table></div>
                <button type="submit">\(fr ? "Enregistrer les présences" : "Record attendance")</button></form></div>
                """
        }
        if actor.canRecord(for: session), !present.isEmpty {
            var rows = ""
            for line in present {
                let number = HTML.escape(line.trainee.staffNumber)
                func input(_ kind: String, _ value: Double?) -> String {
                    let shown = value.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? ""
                    return "<td><input name=\"\(kind).\(number)\" type=\"number\" min=\"0\" max=\"100\" step=\"0.5\" value=\"\(shown)\" aria-label=\"\(kind) \(number)\"></td>"
                }
                rows += "<tr><td>\(number)</td><td>\(HTML.escape(line.trainee.fullName))</td>\(input("pre", line.preScore))\(input("post", line.postScore))</tr>"
            }
            body += """
                <div class="card"><h2>\(fr ? "Tests pré et post (0–100)" : "Pre- and post-tests (0–100)")</h2>
                <form method="post" action="/sessions/\(HTML.escape(session.code))/scores?lang=\(language.rawValue)"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <div class="scroll"><table><thead><tr><th></th><th></th><th>\(fr ? "pré" : "pre")</th><th>post</th></tr></thead><tbody>\(rows)</tbody></table></div>
                <button type="submit">\(fr ? "Enregistrer les scores" : "Record scores")</button></form>
                <form method="post" action="/sessions/\(HTML.escape(session.code))/completion?lang=\(language.rawValue)"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <p class="muted">\(fr ? "Clôturer calcule le résultat (réussi ou échoué) de chaque inscrit qui a un score post, d'après la note de passage et l'assiduité minimale de la formation." : "Closing computes the outcome (completed or failed) of everyone enrolled with a post score, from the course's pass mark and minimum attendance.")</p>
                <button type="submit">\(fr ? "Clôturer les résultats" : "Close results")</button></form></div>
                """
        }
        if actor.managesRegister {
            body += """
                <div class="card"><h2>\(fr ? "Inscrire des agents" : "Enrol staff")</h2>
                <form method="post" action="/sessions/\(HTML.escape(session.code))/enrolments?lang=\(language.rawValue)"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <label for="staff">\(fr ? "Matricules (un par ligne)" : "Staff numbers (one per line)")</label><textarea id="staff" name="staff" maxlength="20000"></textarea>
                <button type="submit">\(fr ? "Inscrire" : "Enrol")</button></form></div>
                """
        }
        return HTML.page(title: session.code, language: language, body: body, status: status, wide: true)
    }

    /// The form's fields when the request carries the session's form token from Kalan's own origin.
    func form(_ request: Request) async throws -> (actor: Actor, fields: URLEncodedForm)? {
        guard let (user, csrf) = try await accounts.signedIn(request), request.head.isSameOrigin else { return nil }
        let data = try await request.body.collect(upTo: 256 * 1024)
        let fields = URLEncodedForm(String(buffer: data))
        guard fields["csrf"] == csrf else { return nil }
        return (user.actor, fields)
    }

    /// The roster again, saying what was refused; nothing of the refused change is kept.
    func refused(_ request: Request, code: String, _ error: KalanError, staff: String? = nil) async throws -> Response {
        let text = (staff.map { "\($0) : " } ?? "") + error.message(in: request.language)
        return try await roster(request, code: code, message: (text, false), status: .unprocessableContent)
    }

    /// Back to the roster after a change, saying what was done.
    static func recorded(_ code: String, _ done: String, _ language: Language) -> Response {
        let path = code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        return Response(status: .seeOther, headers: [.location: "/sessions/\(path)?lang=\(language.rawValue)&done=\(done)"])
    }

    func attendance(_ request: Request, code: String) async throws -> Response {
        let language = request.language
        guard let (actor, fields) = try await form(request) else { return HTML.staleForm(language) }
        guard let day = fields["day"].flatMap({ Day($0) }) else {
            return try await refused(request, code: code, KalanError.invalid(field: "day", problem: .format(expected: "YYYY-MM-DD")))
        }
        var marks: [ResultsRecording.AttendanceMark] = []
        for (name, value) in fields.all where name.hasPrefix("m.") {
            guard let status = AttendanceStatus(rawValue: value) else {
                return try await refused(request, code: code, KalanError.invalid(field: name, problem: .oneOf(AttendanceStatus.allCases.map(\.rawValue))))
            }
            marks.append(.init(staffNumber: String(name.dropFirst(2)), day: day, status: status))
        }
        do {
            try await ResultsRecording(repository: repository).recordAttendance(sessionCode: code, marks: marks, actor: actor)
        } catch let error as KalanError {
            return try await refused(request, code: code, error)
        }
        return Self.recorded(code, "attendance", language)
    }

    /// Each staff number is its own enrolment: the page reports every line, and a refused line
    /// keeps nothing.
    func enrol(_ request: Request, code: String) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (actor, fields) = try await form(request) else { return HTML.staleForm(language) }
        let numbers = (fields["staff"] ?? "").split(whereSeparator: { $0.isNewline || $0.isWhitespace || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !numbers.isEmpty else {
            return try await refused(request, code: code, KalanError.invalid(field: "staff", problem: .required))
        }
        guard numbers.count <= 500 else {
            return try await refused(request, code: code, KalanError.invalid(field: "staff", problem: .range(min: 1, max: 500)))
        }
        let workflow = EnrolmentWorkflow(repository: repository)
        var report: [String] = []
        var failures = 0
        for number in numbers {
            do {
                let enrolment = try await workflow.enrol(staffNumber: number, sessionCode: code, actor: actor)
                let position = enrolment.waitlistPosition.map { " (\($0))" } ?? ""
                report.append("\(number) : \(enrolment.status.name(in: language))\(position)")
            } catch let error as KalanError {
                failures += 1
                report.append("\(number) : \(error.message(in: language))")
            }
        }
        let summary = fr ? "\(numbers.count - failures) inscrit(s), \(failures) refusé(s)." : "\(numbers.count - failures) enrolled, \(failures) refused."
        return try await roster(
            request, code: code, message: (([summary] + report).joined(separator: "\n"), failures == 0), status: failures == 0 ? .ok : .unprocessableContent)
    }

    func scores(_ request: Request, code: String) async throws -> Response {
        let language = request.language
        guard let (actor, fields) = try await form(request) else { return HTML.staleForm(language) }
        var entries: [ResultsRecording.ScoreEntry] = []
        for (name, value) in fields.all {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = AssessmentKind(rawValue: parts[0]) else { continue }
            let text = value.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            if text.isEmpty { continue }
            guard let score = Double(text), score.isFinite, (0...100).contains(score) else {
                return try await refused(request, code: code, KalanError.invalid(field: name, problem: .range(min: 0, max: 100)))
            }
            entries.append(.init(staffNumber: parts[1], kind: kind, score: score))
        }
        do {
            try await ResultsRecording(repository: repository).recordScores(sessionCode: code, scores: entries, actor: actor)
        } catch let error as KalanError {
            return try await refused(request, code: code, error)
        }
        return Self.recorded(code, "scores", language)
    }

    /// Computes the outcome of every enrolled trainee with a post score; each is its own change,
    /// and the page reports every line.
    func complete(_ request: Request, code: String) async throws -> Response {
        let language = request.language
        let fr = language == .fr
        guard let (actor, _) = try await form(request) else { return HTML.staleForm(language) }
        let recording = ResultsRecording(repository: repository)
        let lines: [RosterLine]
        do {
            lines = try await recording.roster(sessionCode: code, actor: actor).1.filter { $0.enrolment.status == .enrolled && $0.postScore != nil }
        } catch let error as KalanError {
            return try await refused(request, code: code, error)
        }
        var report: [String] = []
        var failures = 0
        for line in lines {
            do {
                let done = try await recording.complete(sessionCode: code, staffNumber: line.trainee.staffNumber, actor: actor)
                report.append("\(line.trainee.staffNumber) : \(done.enrolment.status.name(in: language)) (\(String(format: "%.0f", done.attendanceRate)) %)")
            } catch let error as KalanError {
                failures += 1
                report.append("\(line.trainee.staffNumber) : \(error.message(in: language))")
            }
        }
        let summary = lines.isEmpty
            ? (fr ? "Aucun inscrit n'a de score post : rien à clôturer." : "Nobody enrolled has a post score: nothing to close.")
            : (fr ? "\(lines.count - failures) résultat(s) calculé(s), \(failures) refusé(s)." : "\(lines.count - failures) outcome(s) computed, \(failures) refused.")
        return try await roster(request, code: code, message: (([summary] + report).joined(separator: "\n"), failures == 0 && !lines.isEmpty))
    }

    /// HR's buttons for one line: approve or reject a nomination (a rejection needs a reason),
    /// withdraw a seat, an approval or a waitlist place.
    func decisions(_ line: RosterLine, session: TrainingSession, csrf: String, language: Language) -> String {
        let fr = language == .fr
        let number = HTML.escape(line.trainee.staffNumber)
        func form(_ action: String, _ label: String, reason: Bool) -> String {
            let field = reason ? "<input name=\"reason\" maxlength=\"500\" placeholder=\"\(fr ? "motif" : "reason")\" aria-label=\"\(fr ? "motif" : "reason") \(number)\" class=\"reason\">" : ""
            return """
                <form method="post" action="/sessions/\(HTML.escape(session.code))/decision?lang=\(language.rawValue)" class="inline"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))"><input type="hidden" name="staff" value="\(number)"><input type="hidden" name="action" value="\(action)">\(field)<button type="submit" class="small">\(label)</button></form>
                """
        }
        switch line.enrolment.status {
        case .nominated: return form("approve", fr ? "Approuver" : "Approve", reason: false) + form("reject", fr ? "Refuser" : "Reject", reason: true)
        case .approved, .enrolled, .waitlisted: return form("withdraw", fr ? "Retirer" : "Withdraw", reason: true)
        default: return ""
        }
    }

    func decide(_ request: Request, code: String) async throws -> Response {
        let language = request.language
        guard let (actor, fields) = try await form(request) else { return HTML.staleForm(language) }
        let staff = String((fields["staff"] ?? "").prefix(32))
        let reason = fields["reason"].map { String($0.prefix(500)) } ?? ""
        let workflow = EnrolmentWorkflow(repository: repository)
        do {
            switch fields["action"] ?? "" {
            case "approve": try await workflow.approve(staffNumber: staff, sessionCode: code, actor: actor)
            case "reject": try await workflow.reject(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
            case "withdraw": try await workflow.withdraw(staffNumber: staff, sessionCode: code, reason: reason, actor: actor)
            default: throw KalanError.invalid(field: "action", problem: .oneOf(["approve", "reject", "withdraw"]))
            }
        } catch let error as KalanError {
            return try await refused(request, code: code, error, staff: staff)
        }
        return Self.recorded(code, "decision", language)
    }
}
