import Foundation
import KalanCore
import Logging
import ServiceLifecycle

/// Inside `kalan serve`, at start and every `interval`: the offers whose release day has come give
/// their unused places to everyone (the general waitlist), without anyone running
/// `kalan offers release-due`, and the heads and HR are told of the files abroad become overdue.
/// Several servers each run one; the release's lock keeps each offer released once, and each
/// overdue file is told once.
public struct CooperationService: Service {
    let repository: any KalanRepository
    let clock: WallClock
    let interval: Duration
    let logger: Logger

    /// The audit log's name for what this service does.
    public static let actor = Actor(name: "service:kalan-serve", role: .admin, source: "service")

    public init(repository: any KalanRepository, clock: WallClock, interval: Duration = .seconds(600), logger: Logger) {
        (self.repository, self.clock, self.interval, self.logger) = (repository, clock, interval, logger)
    }

    public struct Round: Sendable, Equatable {
        /// The offers released now.
        public var released: [String]
        /// The notices written for files become overdue.
        public var overdueNotices: Int

        public init(released: [String], overdueNotices: Int) { (self.released, self.overdueNotices) = (released, overdueNotices) }
    }

    @discardableResult
    public func round() async throws -> Round {
        let released = try await OfferPlaces(repository: repository, clock: clock).releaseDue(actor: Self.actor)
        let told = try await AbroadFiles(repository: repository, clock: clock).tellOverdue()
        return Round(released: released, overdueNotices: told)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let done = try await round()
                    if !done.released.isEmpty { logger.info("offers released", metadata: ["offers": "\(done.released.joined(separator: ","))"]) }
                    if done.overdueNotices > 0 { logger.info("overdue files told", metadata: ["notices": "\(done.overdueNotices)"]) }
                } catch {
                    // The database away: the next round tries again.
                    logger.notice("offers not released or overdue files not told this round", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
