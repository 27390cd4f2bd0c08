import Crypto
import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Honours `Idempotency-Key` on POST: the first response is stored and replayed for the same
/// key and request; the same key with another request, or while the first runs, is a 409.
struct IdempotencyMiddleware: ServerMiddleware {
    let store: any IdempotencyStore
    static let header = HTTPField.Name("Idempotency-Key")!

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard request.method == .post, let key = request.headerFields[Self.header], !key.isEmpty, key.utf8.count <= 100,
            let principal = RequestPrincipal.actor?.name
        else { return try await next(request, body, metadata) }
        var bytes = Data()
        if let body { bytes = try await Data(collecting: body, upTo: 1 << 20) }
        let path = request.path ?? ""
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(path)\n".utf8))
        hasher.update(data: bytes)
        let hash = Data(hasher.finalize())
        switch try await store.claim(key: key, principal: principal, method: request.method.rawValue, path: path, requestHash: hash) {
        case .replay(let status, let stored):
            var fields = HTTPFields()
            fields[.contentType] = status >= 400 ? Problem.mediaType : "application/json"
            fields[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(stored))
        case .conflict:
            let language = RequestPrincipal.language
            return ProblemResponse.make(
                Problem(
                    type: "/problems/idempotency-conflict", title: Messages.text("api.idempotency", language), status: 409,
                    detail: Messages.text("api.idempotency_detail", language)))
        case .claimed:
            do {
                let (response, responseBody) = try await next(request, HTTPBody(bytes), metadata)
                var stored = Data()
                if let responseBody { stored = try await Data(collecting: responseBody, upTo: 1 << 22) }
                if response.status.code < 500 {
                    try await store.save(key: key, principal: principal, status: response.status.code, body: stored)
                } else {
                    try await store.release(key: key, principal: principal)
                }
                return (response, HTTPBody(stored))
            } catch {
                try? await store.release(key: key, principal: principal)
                throw error
            }
        }
    }
}
