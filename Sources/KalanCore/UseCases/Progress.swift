/// How a long task (a spreadsheet import, a session's certificates) tells its caller how far it
/// has gone: `done` items out of `total`. Called from whichever task does the work.
public typealias ProgressReport = @Sendable (_ done: Int, _ total: Int) -> Void
