import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage and the peer's address, which
/// rate limiting of logins needs.
struct KalanRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The connection, for closing its input when a body comes too slowly.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address (or socket path); "unknown" when the transport has none, as in tests.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? remoteAddress?.pathname ?? "unknown"
    }
}
