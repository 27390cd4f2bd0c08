import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Handlers throw; this, the innermost API middleware, answers a thrown `KalanError` with its
/// problem document (and Retry-After where it applies), in the request's language. Being inside
/// the idempotency middleware, a refusal is stored and replayed like any other answer.
struct ProblemMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            guard let refusal = ((error as? ServerError)?.underlyingError ?? error) as? KalanError else { throw error }
            if case .storageFailure = refusal { throw error }
            return ProblemResponse.make(Problem(refusal, language: RequestPrincipal.language), extra: refusal.headers)
        }
    }
}
