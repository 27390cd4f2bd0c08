import Foundation
import KalanCore

extension KalanAPI {
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
