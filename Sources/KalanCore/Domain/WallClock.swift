import Foundation

/// The time, passed in rather than read, so that a test can fix it (and a date written into a
/// test does not turn false on its own).
public struct WallClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The machine's clock.
    public static let system = WallClock { Date() }

    /// Always the same instant.
    public static func fixed(_ instant: Date) -> WallClock { WallClock { instant } }

    /// Always noon UTC of the same day.
    public static func fixed(_ day: Day) -> WallClock {
        fixed(Date(timeIntervalSince1970: Double(day.ordinal) * 86_400 + 43_200))
    }

    /// Today (UTC), for the use cases that take a day.
    public var today: @Sendable () -> Day {
        let now = now
        return { Day.of(now()) }
    }
}

/// How long something took, on the monotonic clock (not the time of day).
public struct Stopwatch: Sendable {
    let start = ContinuousClock.now

    public init() {}

    public var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
