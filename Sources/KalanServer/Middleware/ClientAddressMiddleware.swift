import Hummingbird

/// Makes the client's address known to the OpenAPI handlers, which do not see the request context.
struct ClientAddressMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: KalanRequestContext, next: (Request, KalanRequestContext) async throws -> Response) async throws -> Response {
        try await RequestPrincipal.$address.withValue(context.clientAddress) { try await next(request, context) }
    }
}
