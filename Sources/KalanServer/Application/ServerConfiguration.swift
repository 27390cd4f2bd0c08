import KalanConfiguration
import KalanCore

/// What the HTTP server needs to know; the executable reads it from flags and the environment.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: String
    public var serialPrefix: String
    /// bcrypt cost of the decoy hash that unknown usernames are checked against (new passwords
    /// are hashed by `kalan user`); tests lower it to match their accounts.
    public var bcryptCost: UInt8
    /// What "now" and "today" are for the use cases (sessions' deadlines, certificates' dates,
    /// logins' windows); tests fix it.
    public var clock: WallClock
    /// Public verification per client address: so many at once, then so many a minute (429 past it).
    public var verificationBurst = 20
    public var verificationsPerMinute = 30
    /// A connection with nothing received for this long (half-sent headers included) is closed.
    public var idleTimeoutSeconds: Int64 = 15
    /// A request body must arrive within this, plus a second per 64 KB its route takes (408 past it).
    public var bodyDeadlineSeconds: Int64 = 60
    /// The bearer token `/metrics` asks for; nil: only loopback clients without a proxy get it.
    public var metricsToken: String?
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-*` headers are believed (KALAN_TRUSTED_PROXIES);
    /// empty: those headers are ignored and the socket's peer is the client.
    public var trustedProxies: [AddressRange] = []

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, serialPrefix: String = "MCENMA", bcryptCost: UInt8 = 12,
        clock: WallClock = .system
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.serialPrefix = serialPrefix
        self.bcryptCost = bcryptCost
        self.clock = clock
    }
}
