import Foundation

/// The staff member's door in storage (sql/migrations/0022_staff_in_person.sql): sign-in codes,
/// their requests, and staff sessions.
public protocol StaffSignInStore: Sendable {
    /// Counts a request for a code (or a try of one) under the limits, across servers: 0 when
    /// counted, else the seconds until the window lets another through.
    func countCodeRequest(identifier: String, address: String, at: Date, window: Int, perIdentifier: Int, perAddress: Int) async throws -> Int
    /// The active person a staff number (any case) or an e-mail names.
    func traineeForSignIn(identifier: String) async throws -> Trainee?
    /// Keeps a new code's hash (ending the person's earlier codes) and writes its notice, to the
    /// e-mail and the phone of the register, in `language`; how many notices were written.
    func insertSignInCode(traineeID: UUID, hash: [UInt8], code: String, language: Language, at: Date, expiresAt: Date) async throws -> Int
    /// Uses the person's live code when `hash` is its hash: true once; a wrong code counts a failure.
    func useSignInCode(traineeID: UUID, hash: [UInt8], now: Date, maxFailures: Int) async throws -> Bool
    func insertStaffSession(hash: [UInt8], traineeID: UUID, csrfToken: String, expiresAt: Date, now: Date) async throws
    /// The live session's person (still active in the register) and its form token.
    func staffSession(hash: [UInt8], now: Date) async throws -> (trainee: Trainee, csrfToken: String)?
    func deleteStaffSession(hash: [UInt8]) async throws -> Trainee?
}

/// What the staff member's own pages read and write beside the enrolment records: their
/// evaluations (anonymous: the answers are kept without the person) and their applications.
public protocol StaffRecordsStore: Sendable {
    /// Whether the enrolment's person answered its session's evaluation.
    func evaluationAnswered(enrolmentID: UUID) async throws -> Bool
    /// Keeps that the enrolment's person answered (once: the database refuses a second time, and
    /// before the day after the last) and the answers, without the person.
    func insertEvaluation(enrolmentID: UUID, sessionID: UUID, answers: EvaluationAnswers, on day: Day) async throws

    /// Opens a session to applications, or changes its call (departments replaced).
    func saveCall(_ call: ApplicationCall) async throws
    func call(sessionID: UUID) async throws -> ApplicationCall?
    /// The calls still open on `day` (closing that day or later) of sessions planned or open.
    func openCalls(on day: Day) async throws -> [ApplicationCall]
    /// A session's applications, oldest first, with their people.
    func applications(sessionID: UUID) async throws -> [(application: Application, trainee: Trainee)]
    func applications(traineeID: UUID) async throws -> [Application]
    func insert(application: Application) async throws
    func withdraw(applicationID: UUID, on day: Day) async throws
    func decide(applicationID: UUID, status: ApplicationStatus, reason: String?, by actor: String, at: Date, enrolmentID: UUID?) async throws

    /// Every group of `dimension` with at least one answer: sums, counts and comments, with the
    /// completion of the sessions' participants.
    func evaluationTotals(by dimension: EvaluationDimension) async throws -> [EvaluationTotals]
}
