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
    /// Scores changed since the form showed them: saving would overwrite them (409).
    case scoresChanged(differences: [ScoreDifference])

    public enum Entity: String, Sendable {
        case department, trainee, partner, programme, course, session, enrolment, user, token, certificate
    }

    public enum FieldProblem: Sendable, Equatable {
        case required
        case format(expected: String)
        case range(min: Int, max: Int)
        case tooLong(max: Int)
        case oneOf([String])
        case unknownReference(String)
        case order(mustFollow: String)
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
        let fr = language == .fr
        switch self {
        case .invalid(let field, let problem):
            return "\(field): " + problem.message(in: language)
        case .notFound(let entity, let key):
            return fr ? "\(entity.frenchNoun.capitalisedFirst) introuvable : \(key)" : "No \(entity.rawValue) \(key)"
        case .duplicate(let entity, let key):
            return fr ? "Doublon (\(entity.frenchNoun)) : \(key) existe déjà" : "\(entity.rawValue.capitalisedFirst) already exists: \(key)"
        case .rule(let violation):
            return violation.message(in: language)
        case .forbidden:
            return fr ? "Action non autorisée pour votre rôle." : "Your role does not allow this action."
        case .stale(let entity):
            return fr
                ? "\(entity.frenchName.capitalisedFirst) a été modifié entre-temps : rechargez et recommencez."
                : "The \(entity.rawValue) changed meanwhile: reload and try again."
        case .unauthenticated:
            return fr ? "Identifiant ou mot de passe incorrect." : "Wrong username or password."
        case .tooManyAttempts(let seconds):
            let minutes = max(1, (seconds + 59) / 60)
            return fr
                ? "Trop de tentatives de connexion : réessayez dans \(minutes) min."
                : "Too many login attempts: try again in \(minutes) min."
        case .attendanceChanged(let day, let differences):
            let lines = differences.map { d in
                let saved = d.saved.map { $0.name(in: language) } ?? (fr ? "aucune" : "none")
                return fr
                    ? "\(d.staffNumber) \(d.fullName) : enregistré « \(saved) », formulaire « \(d.wanted.name(in: language)) »"
                    : "\(d.staffNumber) \(d.fullName): saved \"\(saved)\", form \"\(d.wanted.name(in: language))\""
            }
            return (fr
                ? "La feuille de présence du \(day) a été modifiée entre-temps ; rien n'a été enregistré. Rechargez-la et vérifiez : "
                : "The attendance sheet of \(day) changed meanwhile; nothing was saved. Reload it and check: ") + lines.joined(separator: "; ")
        case .scoresChanged(let differences):
            let lines = differences.map { d in
                let kind = d.kind == .pre ? (fr ? "pré-test" : "pre-test") : "post-test"
                let saved = d.saved.map { CompletionRule.format($0, fr, decimals: 2) } ?? (fr ? "aucune" : "none")
                return fr
                    ? "\(d.staffNumber) \(d.fullName), \(kind) : enregistré \(saved), formulaire \(CompletionRule.format(d.wanted, fr, decimals: 2))"
                    : "\(d.staffNumber) \(d.fullName), \(kind): saved \(saved), form \(CompletionRule.format(d.wanted, fr, decimals: 2))"
            }
            return (fr
                ? "Des notes ont été modifiées entre-temps ; rien n'a été enregistré. Rechargez et vérifiez : "
                : "Scores changed meanwhile; nothing was saved. Reload and check: ") + lines.joined(separator: "; ")
        }
    }
}

extension KalanError.FieldProblem {
    public func message(in language: Language) -> String {
        let fr = language == .fr
        switch self {
        case .required: return fr ? "obligatoire" : "required"
        case .format(let expected): return fr ? "format attendu : \(expected)" : "expected format: \(expected)"
        case .range(let min, let max): return fr ? "doit être entre \(min) et \(max)" : "must be between \(min) and \(max)"
        case .tooLong(let max): return fr ? "\(max) caractères au plus" : "at most \(max) characters"
        case .oneOf(let values): return (fr ? "valeurs possibles : " : "allowed values: ") + values.joined(separator: ", ")
        case .unknownReference(let key): return fr ? "inconnu : \(key)" : "unknown: \(key)"
        case .order(let other): return fr ? "doit être après \(other)" : "must come after \(other)"
        }
    }
}

extension KalanError.RuleViolation {
    public func message(in language: Language) -> String {
        let fr = language == .fr
        switch self {
        case .inactiveTrainee(let number):
            return fr ? "L'agent \(number) est inactif : il ne peut pas être proposé." : "Staff member \(number) is inactive and cannot be nominated."
        case .enrolmentClosed(let session):
            return fr
                ? "Les inscriptions à la session \(session) sont closes (date limite ou début passés)."
                : "Enrolment for session \(session) is closed (deadline or start passed)."
        case .sessionNotOpen(let session, let status):
            return fr ? "La session \(session) est \(status.rawValue) : aucune inscription possible." : "Session \(session) is \(status.rawValue): no enrolment possible."
        case .missingPrerequisites(let courses):
            return (fr ? "Prérequis non validés : " : "Prerequisites not completed: ") + courses.joined(separator: ", ")
        case .overlappingSession(let session):
            return fr ? "Dates en conflit avec la session \(session)." : "Dates overlap with session \(session)."
        case .alreadyInSession(let number, let session):
            return fr ? "L'agent \(number) est déjà inscrit à la session \(session)." : "Staff member \(number) is already in session \(session)."
        case .transition(let from, let to):
            return fr ? "Passage de « \(from.rawValue) » à « \(to.rawValue) » impossible." : "Cannot move from \(from.rawValue) to \(to.rawValue)."
        case .sessionTransition(let from, let to):
            return fr ? "La session ne peut pas passer de « \(from.rawValue) » à « \(to.rawValue) »." : "A session cannot move from \(from.rawValue) to \(to.rawValue)."
        case .reasonRequired:
            return fr ? "Un motif est obligatoire pour cette action." : "A reason is required for this action."
        case .postScoreMissing:
            return fr ? "Note du post-test manquante : saisissez-la ou forcez le résultat avec un motif." : "Post-test score missing: record it or override the outcome with a reason."
        case .overrideNeedsAdmin:
            return fr ? "Seul un administrateur peut passer outre cette règle." : "Only an admin can override this rule."
        case .dayOutsideSession(let day):
            return fr ? "Le \(day) n'est pas un jour de la session." : "\(day) is not a day of the session."
        case .notCompleted:
            return fr ? "Un certificat n'est délivré qu'à une inscription réussie." : "A certificate is issued only for a completed enrolment."
        case .alreadyRevoked:
            return fr ? "Ce certificat est déjà révoqué." : "This certificate is already revoked."
        case .resultsClosed(let number, let name):
            return fr
                ? "Les résultats de \(name) (\(number)) sont clôturés : présences et notes ne changent plus, sauf réouverture par la DRH ou un administrateur."
                : "The results of \(name) (\(number)) are closed: attendance and scores no longer change unless HR or an admin reopens them."
        case .resultsNotClosed(let session):
            return fr ? "Aucun résultat clôturé à rouvrir dans la session \(session)." : "No closed results to reopen in session \(session)."
        }
    }
}

extension KalanError.Entity {
    var frenchName: String {
        switch self {
        case .department: "la direction"
        case .trainee: "l'agent"
        case .partner: "le partenaire"
        case .programme: "le programme"
        case .course: "le cours"
        case .session: "la session"
        case .enrolment: "l'inscription"
        case .user: "l'utilisateur"
        case .token: "le jeton"
        case .certificate: "le certificat"
        }
    }
}

extension KalanError.Entity {
    var frenchNoun: String {
        switch self {
        case .department: "direction"
        case .trainee: "agent"
        case .partner: "partenaire"
        case .programme: "programme"
        case .course: "cours"
        case .session: "session"
        case .enrolment: "inscription"
        case .user: "utilisateur"
        case .token: "jeton"
        case .certificate: "certificat"
        }
    }
}

extension String {
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
