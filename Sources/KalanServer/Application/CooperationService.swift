import Foundation
import KalanCore
import Logging
import ServiceLifecycle

/// Inside `kalan serve`, at start and every `interval`: the offers whose release day has come give
/// their unused places to everyone (the general waitlist), without anyone running
/// `kalan offers release-due`. Several servers each run one; the release's lock keeps each offer
/// released once.
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

    /// One round: the offers released now.
    @discardableResult
    public func round() async throws -> [String] {
        try await OfferPlaces(repository: repository, clock: clock).releaseDue(actor: Self.actor)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let released = try await round()
                    if !released.isEmpty { logger.info("offers released", metadata: ["offers": "\(released.joined(separator: ","))"]) }
                } catch {
                    // The database away: the next round tries again.
                    logger.notice("offers not released this round", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
