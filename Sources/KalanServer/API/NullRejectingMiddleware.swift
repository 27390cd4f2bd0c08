import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// No field of the contract is nullable, but the generated decoder reads `null` as "absent".
/// This keeps the server to the contract: a JSON body with a `null` anywhere is a 400 naming it.
struct NullRejectingMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, request.headerFields[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return try await next(request, body, metadata)
        }
        let bytes = try await Data(collecting: body, upTo: 1 << 20)
        if let json = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]), let path = Self.firstNull(in: json, path: "") {
            let language = RequestPrincipal.language
            return ProblemResponse.make(
                Problem(
                    type: "/problems/malformed", title: Messages.text("api.malformed", language), status: 400,
                    detail: Messages.text("api.null", language, ["field": path]),
                    errors: [.init(field: path, message: "null")]))
        }
        return try await next(request, HTTPBody(bytes), metadata)
    }

    static func firstNull(in value: Any, path: String) -> String? {
        switch value {
        case is NSNull: return path.isEmpty ? "body" : path
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstNull(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default: return nil
        }
    }
}
