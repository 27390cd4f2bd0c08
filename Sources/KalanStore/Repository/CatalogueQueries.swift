import Foundation
import KalanCore
import Postgres

extension PostgresUnitOfWork {
    func partners() async throws -> [Partner] {
        try await query("SELECT id, code, name, kind, country FROM partner ORDER BY code").map(Self.partner)
    }

    func partner(code: String) async throws -> Partner? {
        try await query("SELECT id, code, name, kind, country FROM partner WHERE code = \(code)").first.map(Self.partner)
    }

    func partner(id: UUID) async throws -> Partner? {
        try await query("SELECT id, code, name, kind, country FROM partner WHERE id = \(id)").first.map(Self.partner)
    }

    func insert(_ p: Partner) async throws {
        try await query("INSERT INTO partner (id, code, name, kind, country) VALUES (\(p.id), \(p.code), \(p.name), \(p.kind.rawValue), \(p.country))")
    }

    static func partner(_ row: PostgresRow) throws -> Partner {
        Partner(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
            kind: try row.decode("kind", as: PartnerKind.self), country: try row.decode("country"))
    }

    static let programmeSelect = """
        SELECT p.id, p.code, p.name_fr, p.name_en, p.starts_on, p.ends_on, p.domains, p.target_trainees,
               coalesce(array_agg(pp.partner_id) FILTER (WHERE pp.partner_id IS NOT NULL), '{}') AS partner_ids
        FROM programme p LEFT JOIN programme_partner pp ON pp.programme_id = p.id
        """

    func programmes() async throws -> [Programme] {
        try await query("\(unescaped: Self.programmeSelect) GROUP BY p.id ORDER BY p.code").map(Self.programme)
    }

    func programme(code: String) async throws -> Programme? {
        try await query("\(unescaped: Self.programmeSelect) WHERE p.code = \(code) GROUP BY p.id").first.map(Self.programme)
    }

    func insert(_ p: Programme) async throws {
        try await query(
            """
            INSERT INTO programme (id, code, name_fr, name_en, starts_on, ends_on, domains, target_trainees)
            VALUES (\(p.id), \(p.code), \(p.nameFR), \(p.nameEN), \(p.startsOn), \(p.endsOn), \(p.domains), \(p.targetTrainees))
            """)
        if !p.partnerIDs.isEmpty {
            try await query("INSERT INTO programme_partner (programme_id, partner_id) SELECT \(p.id), unnest(\(p.partnerIDs))")
        }
    }

    static func programme(_ row: PostgresRow) throws -> Programme {
        Programme(
            id: try row.decode("id"), code: try row.decode("code"), nameFR: try row.decode("name_fr"), nameEN: try row.decode("name_en"),
            startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"), domains: try row.decode("domains"),
            targetTrainees: try row.decode("target_trainees"), partnerIDs: try row.decode("partner_ids"))
    }

    static let courseSelect = """
        SELECT c.id, c.code, c.title_fr, c.title_en, c.domain, c.hours, c.pass_mark, c.min_attendance, c.validity_months, c.programme_id,
               coalesce((SELECT jsonb_agg(jsonb_build_object('titleFR', m.title_fr, 'titleEN', m.title_en, 'hours', m.hours) ORDER BY m.position)
                         FROM course_module m WHERE m.course_id = c.id), '[]') AS modules,
               coalesce((SELECT array_agg(cp.prerequisite_id) FROM course_prerequisite cp WHERE cp.course_id = c.id), '{}') AS prerequisite_ids
        FROM course c
        """

    func courses() async throws -> [Course] {
        try await query("\(unescaped: Self.courseSelect) ORDER BY c.code").map(Self.course)
    }

    func course(code: String) async throws -> Course? {
        try await query("\(unescaped: Self.courseSelect) WHERE c.code = \(code)").first.map(Self.course)
    }

    func course(id: UUID) async throws -> Course? {
        try await query("\(unescaped: Self.courseSelect) WHERE c.id = \(id)").first.map(Self.course)
    }

    func insert(_ c: Course) async throws {
        try await query(
            """
            INSERT INTO course (id, code, title_fr, title_en, domain, hours, pass_mark, min_attendance, validity_months, programme_id)
            VALUES (\(c.id), \(c.code), \(c.titleFR), \(c.titleEN), \(c.domain), \(c.hours), \(c.passMark), \(c.minAttendance),
                    \(c.validityMonths), \(c.programmeID))
            """)
        for (index, module) in c.modules.enumerated() {
            try await query(
                """
                INSERT INTO course_module (course_id, position, title_fr, title_en, hours)
                VALUES (\(c.id), \(index + 1), \(module.titleFR), \(module.titleEN), \(module.hours))
                """)
        }
        if !c.prerequisiteIDs.isEmpty {
            try await query("INSERT INTO course_prerequisite (course_id, prerequisite_id) SELECT \(c.id), unnest(\(c.prerequisiteIDs))")
        }
    }

    static func course(_ row: PostgresRow) throws -> Course {
        Course(
            id: try row.decode("id"), code: try row.decode("code"), titleFR: try row.decode("title_fr"), titleEN: try row.decode("title_en"),
            domain: try row.decode("domain"), hours: try row.decode("hours"), passMark: try row.decode("pass_mark"),
            minAttendance: try row.decode("min_attendance"), validityMonths: try row.decode("validity_months"),
            programmeID: try row.decode("programme_id"), modules: try row.decode("modules", as: PostgresJSON.self).decode([CourseModule].self),
            prerequisiteIDs: try row.decode("prerequisite_ids"))
    }
}
