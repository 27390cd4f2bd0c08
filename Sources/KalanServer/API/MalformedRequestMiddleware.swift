import Foundation
import Hummingbird
import KalanCore
import Logging
import OpenAPIRuntime

/// Requests the generated server cannot decode (bad JSON, wrong types, missing fields) become
/// a 400 problem naming the cause, never a 500.
struct MalformedRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            let fr = request.language == .fr
            let cause = String(describing: error.underlyingError).prefix(300)
            context.logger.debug("malformed request", metadata: ["operation": "\(error.operationID)", "cause": "\(cause)"])
            return Problem(
                type: "/problems/malformed", title: fr ? "Requête mal formée" : "Malformed request", status: 400,
                detail: (fr ? "Le corps ou les paramètres ne suivent pas le contrat : " : "The body or parameters do not follow the contract: ") + error.causeDescription
            ).response()
        }
    }
}
