import Foundation
import KalanCore
import Postgres

extension KalanAPI {
    /// Runs an operation; any failure becomes a problem response with the right status, in the
    /// request's language. Nothing a client sends leads to a 500.
    func answer<Output>(
        _ problem: (Int, Components.Responses.Problem) -> Output, _ body: () async throws -> Output
    ) async -> Output {
        do {
            return try await body()
        } catch {
            let p = APIProblem.from(error, language: language)
            return problem(p.status, .init(body: .applicationProblemJson(p)))
        }
    }

    static func etag(_ trainee: Trainee) -> String { "\"v\(trainee.version)\"" }

    static func version(fromETag value: String) -> Int? {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        guard text.hasPrefix("\"v"), text.hasSuffix("\""), text.count > 3 else { return nil }
        return Int(text.dropFirst(2).dropLast())
    }

    static func schema(_ t: Trainee, _ codes: [UUID: String], department: String? = nil) -> Components.Schemas.Trainee {
        .init(
            staffNumber: t.staffNumber, givenName: t.givenName, familyName: t.familyName, sex: t.sex == "F" ? .f : .m, category: t.category,
            position: t.position, department: department ?? t.departmentID.flatMap { codes[$0] }, email: t.email, phone: t.phone, active: t.active,
            version: t.version)
    }

    static func schema(_ s: TrainingSession, _ course: String) -> Components.Schemas.Session {
        .init(
            code: s.code, course: course, startsOn: "\(s.startsOn)", endsOn: "\(s.endsOn)", mode: .init(rawValue: s.mode.rawValue)!, city: s.city,
            country: s.country, capacity: s.capacity, status: .init(rawValue: s.status.rawValue)!)
    }

    static func schema(_ e: Enrolment, session: String, staffNumber: String) -> Components.Schemas.Enrolment {
        .init(session: session, staffNumber: staffNumber, status: .init(rawValue: e.status.rawValue)!, waitlistPosition: e.waitlistPosition)
    }
}

/// Problems for the API: the status each error deserves and a message in the caller's language.
enum APIProblem {
    static func from(_ error: any Error, language: Language) -> Components.Schemas.Problem {
        let fr = language == .fr
        switch error {
        case let error as KalanError:
            let status: Int
            let type: String
            switch error {
            case .invalid: (status, type) = (422, "validation")
            case .notFound: (status, type) = (404, "not-found")
            case .duplicate: (status, type) = (409, "duplicate")
            case .rule(.alreadyInSession): (status, type) = (409, "already-in-session")
            case .rule: (status, type) = (422, "rule-violation")
            case .forbidden: (status, type) = (403, "forbidden")
            case .stale: (status, type) = (412, "stale")
            case .unauthenticated: (status, type) = (401, "unauthorized")
            case .tooManyAttempts: (status, type) = (429, "too-many-attempts")
            case .attendanceChanged: (status, type) = (409, "attendance-changed")
            case .scoresChanged: (status, type) = (409, "scores-changed")
            }
            let errors = error.field.map { [Components.Schemas.Problem.ErrorsPayloadPayload(field: $0, message: error.message(in: language))] }
            var differences: [Components.Schemas.Problem.DifferencesPayloadPayload]?
            if case .attendanceChanged(_, let changed) = error {
                differences = changed.map {
                    .init(staffNumber: $0.staffNumber, name: $0.fullName, wanted: .init(rawValue: $0.wanted.rawValue) ?? .present,
                        saved: $0.saved.flatMap { .init(rawValue: $0.rawValue) })
                }
            }
            return .init(_type: "/problems/\(type)", title: error.message(in: language), status: status, detail: nil, errors: errors, differences: differences)
        case let error as PostgresError where error.isConnectionLoss:
            return .init(_type: "/problems/database-unavailable", title: fr ? "Base de données injoignable" : "Database unreachable", status: 503)
        case let error as PostgresError where error.kind == .client:
            return .init(_type: "/problems/validation", title: fr ? "Valeur refusée" : "Value refused", status: 422, detail: error.reason)
        default:
            return .init(_type: "/problems/internal", title: fr ? "Erreur interne" : "Internal error", status: 500)
        }
    }
}

/// Opaque page cursors: the sort key of a page's last line, as base64url JSON.
enum Cursor {
    static func encode(_ key: some Encodable) -> String {
        let data = (try? JSONEncoder().encode(key)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The key, or nil for anything that is not a cursor this server wrote.
    static func decode<Key: Decodable>(_ cursor: String, as: Key.Type) -> Key? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONDecoder().decode(Key.self, from: data)
    }
}

/// Where a page of the register stopped, and in which order.
struct TraineeCursor: Codable {
    var order: TraineeOrder
    var key: TraineeSortKey
}

/// Where a page of sessions stopped, and in which order.
struct SessionCursor: Codable {
    var order: SessionOrder
    var key: SessionSortKey
}
