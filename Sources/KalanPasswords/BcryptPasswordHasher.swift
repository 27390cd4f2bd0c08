import HummingbirdBcrypt
import KalanCore
import NIOPosix

/// bcrypt, cost 12 by default (about a quarter of a second: slow for guessing, fine for a login).
/// Hashing runs on a NIO thread pool, as Hummingbird's own examples do, so that a burst of
/// logins never occupies Swift's cooperative threads (two on a two-core server).
public struct BcryptPasswordHasher: PasswordHasher {
    public let cost: UInt8
    let threadPool: NIOThreadPool

    public init(cost: UInt8 = 12, threadPool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.threadPool = threadPool
    }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
