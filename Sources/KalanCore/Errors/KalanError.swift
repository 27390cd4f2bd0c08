/// What a use case refuses, with the field or rule at fault; interfaces turn it into an exit
/// code, an HTTP status or a form message, in the user's language.
public enum KalanError: Error, Sendable, Equatable {
    /// A field's value is wrong (400/422 with the field named).
    case invalid(field: String, problem: FieldProblem)
    /// No such record (404).
    case notFound(Entity, key: String)
    /// The record exists already (409).
    case duplicate(Entity, key: String)
    /// A rule of DESIGN.md refuses the change (422, or 409 for seat and duplicate rules).
    case rule(RuleViolation)
    /// The actor may not do this (403; 404 when the record must stay hidden).
    case forbidden
    /// The record changed since it was read (412).
    case stale(Entity)
    /// Wrong username or password, or a disabled account: one answer for all three (401).
    case unauthenticated
    /// Too many failed logins for this account or address; try again after so many seconds (429).
    case tooManyAttempts(retryAfter: Int)
    /// Marks of this day's attendance sheet changed since the form was read: saving would
    /// overwrite them. Each difference names the line, what the form wanted and what is saved (409).
    case attendanceChanged(day: Day, differences: [AttendanceDifference])
    /// The database cannot be reached, or no connection came free in time (503 with Retry-After;
    /// exit code 5).
    case unavailable
    /// Storage failed for a reason no input explains (500); the detail is for the logs only.
    case storageFailure(String)
    /// Scores changed since the form showed them: saving would overwrite them (409).
    case scoresChanged(differences: [ScoreDifference])
    /// The request's body is larger than its route takes (413).
    case tooLarge(maxBytes: Int)
    /// The request's body did not arrive within so many seconds (408).
    case tooSlow(seconds: Int)
    /// Too many requests from one address in a short time (public verification); try again
    /// after so many seconds (429).
    case rateLimited(retryAfter: Int)

    public enum Entity: String, Sendable {
        case department, trainee, partner, programme, course, session, enrolment, user, token, certificate, notice, offer
        case abroadFile = "abroad_file"
        /// A staff member's application to a call (issue 26).
        case application, evaluation
    }

    public enum FieldProblem: Sendable, Equatable {
        case required
        /// Not in the form the field takes, named by a hint the catalogue words.
        case format(FieldHint)
        /// A file that could not be read as CSV, and why.
        case unreadable(CSVError)
        case range(min: Int, max: Int)
        case tooLong(max: Int)
        case oneOf([String])
        case unknownReference(String)
        case order(mustFollow: String)
        /// NUL, a line break or another control character (Unicode category Cc).
        case controlCharacters
        /// Longer than `max` UTF-8 bytes (bcrypt reads no further than 72).
        case tooManyBytes(max: Int)
        /// The current password given to change it is not the account's.
        case wrongPassword
        /// A confirmation that differs from what it confirms.
        case mismatch
        /// A parent or prerequisite that would make a record its own ancestor.
        case cycle
        /// A value that can no longer change (a session's dates once it has started).
        case locked
        /// A value the database's own checks refuse (out of its limits or form), when no check in
        /// front of it named the problem more precisely.
        case notAccepted
        /// A report that would have more than `max` groups (its answer would not fit the bounds).
        case tooManyGroups(max: Int)
    }

    public enum RuleViolation: Sendable, Equatable {
        case inactiveTrainee(staffNumber: String)
        case enrolmentClosed(session: String)
        case sessionNotOpen(session: String, status: SessionStatus)
        case missingPrerequisites(courses: [String])
        case overlappingSession(session: String)
        case alreadyInSession(staffNumber: String, session: String)
        case transition(from: EnrolmentStatus, to: EnrolmentStatus)
        case sessionTransition(from: SessionStatus, to: SessionStatus)
        case reasonRequired
        case postScoreMissing
        case overrideNeedsAdmin
        case dayOutsideSession(day: Day)
        case notCompleted
        case alreadyRevoked
        /// The key this server signs with was withdrawn (`kalan keys retire`): rotate before signing.
        case signingKeyWithdrawn
        /// Issue 31: only a valid certificate (not revoked, not expired) goes to a wallet.
        case certificateNotOfferable
        /// Rule 4: the enrolment is completed or failed; its attendance and scores are locked.
        case resultsClosed(staffNumber: String, name: String)
        /// Reopening needs completed or failed lines in the session.
        case resultsNotClosed(session: String)
    }

    public var isConflict: Bool {
        switch self {
        case .duplicate, .rule(.alreadyInSession), .attendanceChanged, .scoresChanged: true
        default: false
        }
    }

    public var field: String? {
        if case .invalid(let field, _) = self { return field }
        return nil
    }

    public func message(in language: Language) -> String {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        switch self {
        case .invalid(let field, .range(let min, let max)) where field.hasSuffix("password"):
            // A password's length: characters (and bytes, all that bcrypt reads), not a bare range.
            return t("error.invalid", ["field": Self.fieldName(field, language), "problem": t("problem.password_length", ["min": String(min), "max": String(max)])])
        case .invalid(let field, let problem):
            return t("error.invalid", ["field": Self.fieldName(field, language), "problem": problem.message(in: language)])
        case .notFound(let entity, let key):
            return t("error.not_found", ["entity": t("entity.\(entity.rawValue)").capitalisedFirst, "key": key])
        case .duplicate(let entity, let key):
            return t("error.duplicate", ["entity": t("entity.\(entity.rawValue)"), "key": key])
        case .rule(let violation):
            return violation.message(in: language)
        case .forbidden:
            return t("error.forbidden")
        case .stale(let entity):
            return t("error.stale", ["entity": t("entity_the.\(entity.rawValue)").capitalisedFirst])
        case .unauthenticated:
            return t("error.unauthenticated")
        case .tooManyAttempts(let seconds):
            return t("error.too_many_attempts", ["minutes": String(max(1, (seconds + 59) / 60))])
        case .attendanceChanged(let day, let differences):
            let lines = differences.map { d in
                t(
                    "error.attendance_line",
                    [
                        "staff": d.staffNumber, "name": d.fullName, "saved": d.saved?.name(in: language) ?? t("attendance.unmarked"),
                        "wanted": d.wanted.name(in: language),
                    ])
            }
            return t("error.attendance_changed", ["day": Format.day(day, language)]) + " " + lines.joined(separator: " ; ")
        case .scoresChanged(let differences):
            let lines = differences.map { d in
                t(
                    "error.scores_line",
                    [
                        "staff": d.staffNumber, "name": d.fullName, "kind": d.kind.name(in: language),
                        "saved": d.saved.map { Format.number($0, decimals: 2, language, rule: .down) } ?? t("attendance.unmarked"),
                        "wanted": Format.number(d.wanted, decimals: 2, language, rule: .down),
                    ])
            }
            return t("error.scores_changed") + " " + lines.joined(separator: " ; ")
        case .unavailable:
            return t("error.unavailable")
        case .tooLarge(let maxBytes):
            return maxBytes >= 1 << 20
                ? t("error.too_large_mb", ["size": String(maxBytes >> 20)]) : t("error.too_large_kb", ["size": String(max(1, maxBytes >> 10))])
        case .rateLimited(let seconds):
            return t("error.rate_limited", ["seconds": String(seconds)])
        case .tooSlow(let seconds):
            return t("error.too_slow", ["seconds": String(seconds)])
        case .storageFailure:
            return t("error.internal")
        }
    }

    /// A field as the reader knows it: its catalogue label (`field.staff` → "Matricules"), or the
    /// name itself for per-line fields such as `post.MCE-2019-00123`.
    public static func fieldName(_ field: String, _ language: Language) -> String {
        if let label = Messages.optionalText("field.\(field)", language) ?? Messages.optionalText("admin.field.\(field)", language) { return label }
        let parts = field.split(separator: ".", maxSplits: 1)
        if parts.count == 2, let kind = Messages.optionalText("assessment.\(parts[0])", language) { return "\(kind) \(parts[1])" }
        return field
    }
}

extension KalanError.FieldProblem {

    public func message(in language: Language) -> String {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        switch self {
        case .required: return t("problem.required")
        case .format(let hint): return t("problem.format", ["expected": hint.text(in: language)])
        case .unreadable(let error): return error.message(in: language)
        case .range(let min, let max): return t("problem.range", ["min": String(min), "max": String(max)])
        case .tooLong(let max): return t("problem.too_long", ["max": String(max)])
        case .oneOf(let values): return t("problem.one_of", ["values": values.joined(separator: ", ")])
        case .unknownReference(let key): return t("problem.unknown_reference", ["key": key])
        case .order(let other): return t("problem.order", ["other": KalanError.fieldName(other, language)])
        case .controlCharacters: return t("problem.control_characters")
        case .tooManyBytes(let max): return t("problem.too_many_bytes", ["max": String(max)])
        case .wrongPassword: return t("admin.problem.wrong_password")
        case .mismatch: return t("admin.problem.mismatch")
        case .cycle: return t("admin.problem.cycle")
        case .locked: return t("admin.problem.locked")
        case .notAccepted: return t("problem.not_accepted")
        case .tooManyGroups(let max): return t("problem.too_many_groups", ["max": String(max)])
        }
    }
}

extension KalanError.RuleViolation {
    public func message(in language: Language) -> String {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        switch self {
        case .inactiveTrainee(let number): return t("rule.inactive_trainee", ["staff": number])
        case .enrolmentClosed(let session): return t("rule.enrolment_closed", ["session": session])
        case .sessionNotOpen(let session, let status):
            return t("rule.session_not_open", ["session": session, "status": status.name(in: language)])
        case .missingPrerequisites(let courses): return t("rule.missing_prerequisites", ["courses": courses.joined(separator: ", ")])
        case .overlappingSession(let session): return t("rule.overlapping_session", ["session": session])
        case .alreadyInSession(let number, let session): return t("rule.already_in_session", ["staff": number, "session": session])
        case .transition(let from, let to): return t("rule.transition", ["from": from.name(in: language), "to": to.name(in: language)])
        case .sessionTransition(let from, let to):
            return t("rule.session_transition", ["from": from.name(in: language), "to": to.name(in: language)])
        case .reasonRequired: return t("rule.reason_required")
        case .postScoreMissing: return t("rule.post_score_missing")
        case .overrideNeedsAdmin: return t("rule.override_needs_admin")
        case .dayOutsideSession(let day): return t("rule.day_outside_session", ["day": Format.day(day, language)])
        case .notCompleted: return t("rule.not_completed")
        case .alreadyRevoked: return t("rule.already_revoked")
        case .signingKeyWithdrawn: return t("rule.signing_key_withdrawn")
        case .certificateNotOfferable: return t("rule.certificate_not_offerable")
        case .resultsClosed(let number, let name): return t("rule.results_closed", ["staff": number, "name": name])
        case .resultsNotClosed(let session): return t("rule.results_not_closed", ["session": session])
        }
    }
}

extension String {
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
