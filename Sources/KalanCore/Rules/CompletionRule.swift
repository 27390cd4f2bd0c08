import Foundation

/// Rule 4: passed when the post-test reaches the pass mark and attendance its minimum.
public enum CompletionRule {
    public enum Outcome: String, Sendable, Codable {
        case completed, failed

        public var status: EnrolmentStatus { self == .completed ? .completed : .failed }
    }

    /// Share of training days attended, in percent: present days over the days not excused.
    /// A day with no record counts as absent.
    public static func attendanceRate(trainingDays: [Day], records: [Day: AttendanceStatus]) -> Double {
        let days = Set(trainingDays)
        let excused = days.filter { records[$0] == .excused }.count
        let counted = days.count - excused
        guard counted > 0 else { return 100 }
        let present = days.filter { records[$0] == .present }.count
        return Double(present) * 100 / Double(counted)
    }

    public static func outcome(postScore: Double, attendanceRate: Double, passMark: Int, minAttendance: Int) -> Outcome {
        shortfalls(postScore: postScore, attendanceRate: attendanceRate, passMark: passMark, minAttendance: minAttendance).isEmpty ? .completed : .failed
    }

    /// Why a line fails the rule; none means it passes.
    public enum Shortfall: Sendable, Codable, Hashable {
        /// The post-test score is below the pass mark.
        case postScoreBelowPassMark(score: Double, passMark: Int)
        /// Attendance (percent of training days, excused days left out) is below the minimum.
        case attendanceBelowMinimum(rate: Double, minimum: Int)
        /// No post-test score was recorded.
        case noPostScore
    }

    /// Every reason the rule fails a line, in the order post score, attendance. A missing post
    /// score fails the line: closing a session's results decides every line.
    public static func shortfalls(postScore: Double?, attendanceRate: Double, passMark: Int, minAttendance: Int) -> [Shortfall] {
        var found: [Shortfall] = []
        if let postScore {
            if postScore < Double(passMark) { found.append(.postScoreBelowPassMark(score: postScore, passMark: passMark)) }
        } else {
            found.append(.noPostScore)
        }
        if attendanceRate + 1e-9 < Double(minAttendance) { found.append(.attendanceBelowMinimum(rate: attendanceRate, minimum: minAttendance)) }
        return found
    }
}

extension CompletionRule.Shortfall {
    public func message(in language: Language) -> String {
        switch self {
        case .postScoreBelowPassMark(let score, let passMark):
            return Messages.text("results.why.post_below", language, ["score": Format.number(score, decimals: 2, language, rule: .down), "pass": String(passMark)])
        case .attendanceBelowMinimum(let rate, let minimum):
            return Messages.text("results.why.attendance_below", language, ["rate": Format.number(rate, language, rule: .down), "min": String(minimum)])
        case .noPostScore:
            return Messages.text("results.why.no_post", language)
        }
    }
}
