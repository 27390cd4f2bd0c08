import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KalanCertificates
import KalanServer
import KalanTestSupport
import Logging
import Testing

@Suite("Logins hash off the cooperative pool: /healthz answers during a burst of bcrypt")
struct ConcurrentLoginTests {
    /// Eight failed logins at the production cost (12, about 0.25 s each) keep NIO's pool threads
    /// busy for seconds; /healthz, asked meanwhile, must answer within a small part of the burst.
    /// With bcrypt on the cooperative threads the health checks queue behind the hashes: measured
    /// with LIBDISPATCH_COOPERATIVE_POOL_STRICT=1 (set by `make test`: the cooperative pool keeps
    /// to one thread a core, as on a loaded server), they took up to 0.65 s each and this test
    /// failed; without it Linux's dispatch adds threads when they block, which hides the fault.
    @Test func healthzAnswersWhileEightFailedLoginsHash() async throws {
        try await TestDatabase.withPool(maxConnections: 10) { pool in
            let app = buildApplication(
                configuration: .init(publicURL: "http://test", bcryptCost: 12), pool: pool,
                issuer: OpenBadgeIssuer(key: .generate(), publicURL: "http://test"), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let clock = ContinuousClock()
                let start = clock.now
                let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                    group.addTask {
                        let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { logins in
                            for i in 1...8 {
                                logins.addTask {
                                    try await client.execute(
                                        uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"],
                                        body: ByteBuffer(string: #"{"username":"nobody-\#(i)","password":"wrong-password-\#(i)"}"#)
                                    ).status
                                }
                            }
                            return try await logins.reduce(into: []) { $0.append($1) }
                        }
                        return .logins(statuses, doneAt: clock.now)
                    }
                    group.addTask {
                        // Let the logins reach their hashes first.
                        try await Task.sleep(for: .milliseconds(150))
                        var durations: [Duration] = []
                        for _ in 1...5 {
                            let asked = clock.now
                            let status = try await client.execute(uri: "/healthz", method: .get).status
                            #expect(status == .ok)
                            durations.append(asked.duration(to: clock.now))
                        }
                        return .health(durations, doneAt: clock.now)
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                var statuses: [HTTPResponse.Status] = []
                var loginsDone: ContinuousClock.Instant?
                var healthDurations: [Duration] = []
                var healthDone: ContinuousClock.Instant?
                for outcome in outcomes {
                    switch outcome {
                    case .logins(let s, let at): (statuses, loginsDone) = (s, at)
                    case .health(let d, let at): (healthDurations, healthDone) = (d, at)
                    }
                }
                #expect(statuses.count == 8)
                #expect(statuses.allSatisfy { $0 == .unauthorized })
                let burst = start.duration(to: try #require(loginsDone))
                let healthTotal = healthDurations.reduce(Duration.zero, +)
                print("8 failed logins at cost 12: \(burst); 5 health checks meanwhile: \(healthDurations)")
                // Ordering, not tight timing: five health checks take a small part of the burst.
                #expect(healthDurations.count == 5)
                #expect(healthTotal * 2 < burst, "health checks took \(healthTotal) during a burst of \(burst)")
                #expect(try #require(healthDone) < loginsDone!, "every health check answered before the burst ended")
            }
        }
    }
}

enum Outcome: Sendable {
    case logins([HTTPResponse.Status], doneAt: ContinuousClock.Instant)
    case health([Duration], doneAt: ContinuousClock.Instant)
}
