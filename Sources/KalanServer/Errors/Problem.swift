import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import Logging
import NIOCore

/// An RFC 9457 problem details document.
public struct Problem: Codable, Sendable, Equatable {
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var errors: [FieldError]?
    /// For a refused attendance save (409): the marks changed since the sheet's version.
    public var differences: [Difference]?

    public struct Difference: Codable, Sendable, Equatable {
        public var staffNumber: String
        public var name: String
        public var wanted: String
        public var saved: String?
    }

    public init(
        type: String, title: String, status: Int, detail: String? = nil, instance: String? = nil, errors: [FieldError]? = nil,
        differences: [Difference]? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
        self.differences = differences
    }

    public static let mediaType = "application/problem+json"

    /// The problem as a response with its status and media type.
    public func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data(#"{"title":"error"}"#.utf8)
        var headers = extra
        headers[.contentType] = Self.mediaType
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    /// A refusal as the problem a client gets: the status it deserves and a title in the
    /// client's language; the field at fault in `errors`.
    public init(_ error: KalanError, language: Language) {
        let type: String
        switch error {
        case .invalid: type = "validation"
        case .notFound: type = "not-found"
        case .duplicate: type = "duplicate"
        case .rule(.alreadyInSession): type = "already-in-session"
        case .rule: type = "rule-violation"
        case .forbidden: type = "forbidden"
        case .stale: type = "stale"
        case .unauthenticated: type = "unauthorized"
        case .tooManyAttempts: type = "too-many-attempts"
        case .unavailable: type = "database-unavailable"
        case .storageFailure: type = "internal"
        case .attendanceChanged: type = "attendance-changed"
        case .scoresChanged: type = "scores-changed"
        case .tooLarge: type = "too-large"
        case .tooSlow: type = "too-slow"
        case .rateLimited: type = "rate-limited"
        }
        var differences: [Difference]?
        if case .attendanceChanged(_, let changed) = error {
            differences = changed.map { Difference(staffNumber: $0.staffNumber, name: $0.fullName, wanted: $0.wanted.rawValue, saved: $0.saved?.rawValue) }
        }
        self.init(
            type: "/problems/\(type)", title: error.message(in: language), status: Int(error.status.code),
            errors: error.field.map { [FieldError(field: $0, message: error.message(in: language))] }, differences: differences)
    }

    /// The problem for a failure that is not a refusal: 500, no detail (it is logged).
    public static func internalError(language: Language) -> Problem {
        Problem(type: "/problems/internal", title: Messages.text("error.title.500", language), status: 500)
    }
}

/// Every route answers a `KalanError` that escapes its handler as a problem document, in the
/// request's language: API handlers, pages and health checks alike throw instead of catching.
extension KalanError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch self {
        case .rule(.alreadyInSession): .conflict
        case .invalid, .rule: .unprocessableContent
        case .notFound: .notFound
        case .duplicate: .conflict
        case .forbidden: .forbidden
        case .stale: .preconditionFailed
        case .unauthenticated: .unauthorized
        case .tooManyAttempts: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .storageFailure: .internalServerError
        case .attendanceChanged, .scoresChanged: .conflict
        case .tooLarge: .contentTooLarge
        case .tooSlow: .requestTimeout
        case .rateLimited: .tooManyRequests
        }
    }

    /// Retry-After for the refusals that end by themselves.
    public var headers: HTTPFields {
        switch self {
        case .tooManyAttempts(let seconds), .rateLimited(let seconds): [.retryAfter: "\(seconds)"]
        case .unavailable: [.retryAfter: "5"]
        default: [:]
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if case .storageFailure(let detail) = self { context.logger.error("storage failure", metadata: ["error": "\(detail)"]) }
        return Problem(self, language: request.language).response(headers: headers)
    }
}
