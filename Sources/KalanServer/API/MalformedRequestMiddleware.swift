import Foundation
import Hummingbird
import KalanCore
import Logging
import OpenAPIRuntime

/// The one place API failures become problem documents. The generated server wraps whatever a
/// handler or middleware throws in a `ServerError`: a `KalanError` inside is answered as that
/// refusal (422, 404, 503 with Retry-After…); a request the generated code could not decode (bad
/// JSON, wrong types, missing fields) is a 400 naming the cause; anything else is a 500.
struct MalformedRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            if let refusal = error.underlyingError as? KalanError {
                return try refusal.response(from: request, context: context)
            }
            guard (400..<500).contains(error.httpStatus.code) else {
                context.logger.error("operation failed", metadata: ["operation": "\(error.operationID)", "error": "\(error.underlyingError)"])
                return Problem.internalError(language: request.language).response()
            }
            let cause = String(describing: error.underlyingError).prefix(300)
            context.logger.debug("malformed request", metadata: ["operation": "\(error.operationID)", "cause": "\(cause)"])
            // The runtime's words for a failing middleware name a Swift type: say what was wrong instead.
            let detail =
                error.causeDescription.contains("Middleware of type")
                ? Messages.text("api.malformed_body", request.language)
                : Messages.text("api.malformed_contract", request.language, ["cause": error.causeDescription])
            return Problem(type: "/problems/malformed", title: Messages.text("api.malformed", request.language), status: 400, detail: detail).response()
        }
    }
}
