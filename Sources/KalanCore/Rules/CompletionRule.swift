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
        postScore >= Double(passMark) && attendanceRate + 1e-9 >= Double(minAttendance) ? .completed : .failed
    }
}
