import Hummingbird
import NIOCore
import Synchronization

/// Watches one HTTP connection for its client going away: the input closed (the client sent
/// FIN, as a closed tab or an interrupted `curl` does) or the connection lost. One per
/// connection, in the channel's pipeline after the HTTP codec (`HTTP1Channel.Configuration`'s
/// `additionalChannelHandlers`); the events pass on unchanged.
final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private struct State {
        var isGone = false
        var nextID = 0
        var actions: [Int: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { clientLeft() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientLeft()
        context.fireChannelInactive()
    }

    private func clientLeft() {
        let actions = state.withLock { state in
            state.isGone = true
            defer { state.actions = [:] }
            return state.actions.values
        }
        for action in actions { action() }
    }

    /// Runs `action` once when the client goes away (at once if it has); nil when it has.
    func onClientLeft(_ action: @escaping @Sendable () -> Void) -> Int? {
        let id: Int? = state.withLock { state in
            guard !state.isGone else { return nil }
            state.nextID += 1
            state.actions[state.nextID] = action
            return state.nextID
        }
        if id == nil { action() }
        return id
    }

    func forget(_ id: Int?) {
        guard let id else { return }
        _ = state.withLock { $0.actions.removeValue(forKey: id) }
    }
}

/// Cancels the handling of a request whose client went away, so that its database statement is
/// cancelled on the server and its pooled connection freed at once. Hummingbird 2 does not
/// cancel a handler when its client leaves; its `consumeWithCancellationOnInboundClose` does,
/// but it ends the connection after every answer (no keep-alive), so this watches the
/// connection's events instead (`DisconnectWatcher`). Without a watcher (router tests), the
/// request runs as it is.
struct CancelOnDisconnectMiddleware: RouterMiddleware {
    typealias Context = KalanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let watcher = try? await context.channel.pipeline.handler(type: DisconnectWatcher.self).get() else {
            return try await next(request, context)
        }
        let (left, leaving) = AsyncStream<Void>.makeStream()
        let registration = watcher.onClientLeft { leaving.finish() }
        defer { watcher.forget(registration) }
        return try await withoutActuallyEscaping(next) { next in
            let handling = UncheckedSendable(value: (next, request, context))
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handling.value.0(handling.value.1, handling.value.2) }
                group.addTask {
                    for await _ in left {}
                    return nil
                }
                defer { group.cancelAll() }
                // The answer, or nil: the client left first, and the handler is cancelled.
                guard case .some(.some(let response)) = try await group.next() else { throw CancellationError() }
                return response
            }
        }
    }
}

/// The handler's closure and arguments, called by one child task while the request waits for it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
