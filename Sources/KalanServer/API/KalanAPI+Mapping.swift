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

    static func schema(_ t: Trainee, department: String?) -> Components.Schemas.Trainee {
        .init(
            staffNumber: t.staffNumber, givenName: t.givenName, familyName: t.familyName, sex: t.sex == .female ? .f : .m, category: t.category,
            position: t.position, department: department, email: t.email, phone: t.phone, active: t.active,
            version: t.version)
    }

    static func schema(_ s: TrainingSession, _ course: String) -> Components.Schemas.Session {
        .init(
            code: s.code, course: course, startsOn: "\(s.startsOn)", endsOn: "\(s.endsOn)", mode: .init(s.mode), city: s.city,
            country: s.country, capacity: s.capacity, status: .init(s.status))
    }

    static func schema(_ e: Enrolment, session: String, staffNumber: String) -> Components.Schemas.Enrolment {
        .init(session: session, staffNumber: staffNumber, status: .init(e.status), waitlistPosition: e.waitlistPosition)
    }
}
