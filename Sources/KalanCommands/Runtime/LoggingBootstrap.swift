import Logging
import NIOConcurrencyHelpers

/// swift-log set up once per process: key=value lines on standard error.
enum LoggingBootstrap {
    /// Whether it was done; under a lock, so that two callers at once set it up once.
    private static let done = NIOLockedValueBox(false)

    static func once(level: Logger.Level) {
        done.withLockedValue { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
