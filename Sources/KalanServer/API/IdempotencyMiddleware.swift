import Crypto
import Foundation
import HTTPTypes
import KalanCore
import OpenAPIRuntime

/// Honours `Idempotency-Key` on POST: the first response (status, headers, body) is stored and
/// replayed for the same key and request; the same key with another request is a 409. The
/// claim, the write and the stored response are one transaction (`IdempotencyStore.perform`):
/// what a retry is answered is always what was stored, and a retry that comes while the first
/// runs (however long: a large session's certificates) waits on the claim's row, never runs it
/// twice.
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
            return IdempotentAnswer(
                status: response.status.code, headers: Self.kept(response.headerFields), body: stored, value: Answered(response: response, body: stored))
        }
        switch outcome {
        case .performed(let answered):
            return (answered.response, HTTPBody(answered.body))
        case .replay(let status, let stored, let headers):
            var fields = HTTPFields()
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            // An answer stored before its headers were kept.
            if fields[.contentType] == nil { fields[.contentType] = status >= 400 ? Problem.mediaType : "application/json" }
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

    /// The headers a replay gives again: all the operation set (ETag, Location, Content-Type…)
    /// but those of the connection and the moment, and cookies (a replay opens no session).
    static func kept(_ fields: HTTPFields) -> [String: String] {
        let dropped: Set<HTTPField.Name> = [.contentLength, .transferEncoding, .connection, .date, .setCookie]
        var kept: [String: String] = [:]
        for field in fields where !dropped.contains(field.name) {
            kept[field.name.canonicalName] = kept[field.name.canonicalName].map { $0 + ", " + field.value } ?? field.value
        }
        return kept
    }

    struct Answered: Sendable {
        let response: HTTPResponse
        let body: Data
    }
}
