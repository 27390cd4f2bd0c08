import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage and the peer's address, which
/// rate limiting of logins needs.
struct KalanRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The client a trusted proxy named (`ForwardedHeadersMiddleware`); nil when none did.
    var forwardedClient: String?
    /// True when the request came through a proxy (trusted, or one that added forwarding headers).
    var cameThroughProxy = false
    /// The connection, for closing its input when a body comes too slowly.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address (or socket path): the one a trusted proxy named, else the socket's
    /// peer; "unknown" when the transport has none, as in tests.
    var clientAddress: String {
        forwardedClient ?? remoteAddress?.ipAddress ?? remoteAddress?.pathname ?? "unknown"
    }
}
