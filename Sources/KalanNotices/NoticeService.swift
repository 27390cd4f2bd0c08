import Foundation
import Logging
import ServiceLifecycle

/// The sender inside `kalan serve`: every `interval`, the due notices go out. Several servers
/// each run one; the outbox's claims keep them from sending a notice twice.
public struct NoticeService: Service {
    let dispatcher: NoticeDispatcher
    let interval: Duration
    let logger: Logger

    public init(dispatcher: NoticeDispatcher, interval: Duration = .seconds(10), logger: Logger) {
        (self.dispatcher, self.interval, self.logger) = (dispatcher, interval, logger)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let round = try await dispatcher.sendDue()
                    if round != .init() {
                        logger.info("notices", metadata: ["sent": "\(round.sent)", "retried": "\(round.retried)", "failed": "\(round.failed)"])
                    }
                } catch {
                    // The database away: the next round tries again; the decisions never wait for this.
                    logger.notice("notices not sent this round", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
