import Crypto
import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Honours `Idempotency-Key` on POST: the first response is stored and replayed for the same
/// key and request; the same key with another request is a 409. The claim, the write and the
/// stored response are one transaction (`IdempotencyStore.perform`): what a retry is answered
/// is always what was stored.
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
        let sent = bytes
        let outcome = try await store.perform(key: key, principal: principal, method: request.method.rawValue, path: path, requestHash: hash) {
            let (response, responseBody) = try await next(request, HTTPBody(sent), metadata)
            var stored = Data()
            if let responseBody { stored = try await Data(collecting: responseBody, upTo: 1 << 22) }
            return IdempotentAnswer(status: response.status.code, body: stored, value: Answered(response: response, body: stored))
        }
        switch outcome {
        case .performed(let answered):
            return (answered.response, HTTPBody(answered.body))
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
        }
    }

    struct Answered: Sendable {
        let response: HTTPResponse
        let body: Data
    }
}
