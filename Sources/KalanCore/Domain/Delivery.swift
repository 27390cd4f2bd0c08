import Foundation

public enum DeliveryMode: String, Sendable, Codable, CaseIterable {
    case inPerson = "in_person", online, hybrid
}

public enum SessionStatus: String, Sendable, Codable, CaseIterable {
    case planned, open, inProgress = "in_progress", completed, cancelled

    /// planned → open → in_progress → completed; cancelled from anything not completed.
    public func canMove(to next: SessionStatus) -> Bool {
        switch (self, next) {
        case (.planned, .open), (.open, .inProgress), (.inProgress, .completed), (.planned, .inProgress): true
        case (.planned, .cancelled), (.open, .cancelled), (.inProgress, .cancelled): true
        default: false
        }
    }
}

/// One delivery of a course by a partner: a cohort.
public struct TrainingSession: Sendable, Codable, Hashable {
    public var id: UUID
    public var code: String
    public var courseID: UUID
    public var partnerID: UUID
    public var programmeID: UUID?
    public var startsOn: Day
    public var endsOn: Day
    public var mode: DeliveryMode
    public var city: String?
    public var country: String?
    public var capacity: Int
    public var enrolmentDeadline: Day?
    public var status: SessionStatus
    public var trainerIDs: [UUID]

    public init(
        id: UUID = UUID(), code: String, courseID: UUID, partnerID: UUID, programmeID: UUID? = nil, startsOn: Day, endsOn: Day,
        mode: DeliveryMode, city: String? = nil, country: String? = nil, capacity: Int, enrolmentDeadline: Day? = nil,
        status: SessionStatus = .planned, trainerIDs: [UUID] = []
    ) {
        self.id = id
        self.code = code
        self.courseID = courseID
        self.partnerID = partnerID
        self.programmeID = programmeID
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.mode = mode
        self.city = city
        self.country = country
        self.capacity = capacity
        self.enrolmentDeadline = enrolmentDeadline
        self.status = status
        self.trainerIDs = trainerIDs
    }

    /// The days attendance is taken: weekdays, or every day when the session is only a weekend.
    public var trainingDays: [Day] {
        let all = (startsOn.ordinal...endsOn.ordinal).map(Day.init(ordinal:))
        let weekdays = all.filter { $0.isoWeekday <= 5 }
        return weekdays.isEmpty ? all : weekdays
    }
}
