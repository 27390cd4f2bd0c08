import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The generated server writes string header values with URI percent-encoding (`"v3"` becomes
/// `%22v3%22`, `; HttpOnly` becomes `%3B%20HttpOnly`). ETag and Set-Cookie have their own HTTP
/// syntax and must go out verbatim, so this restores them after every operation.
struct VerbatimHeadersMiddleware: ServerMiddleware {
    static let names: [HTTPField.Name] = [.eTag, .setCookie]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        for name in Self.names {
            if let value = response.headerFields[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headerFields[name] = decoded
            }
        }
        return (response, responseBody)
    }
}
