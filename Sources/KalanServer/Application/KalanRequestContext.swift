import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage and the peer's address, which
/// rate limiting of logins needs.
struct KalanRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address (or socket path); "unknown" when the transport has none, as in tests.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? remoteAddress?.pathname ?? "unknown"
    }
}
