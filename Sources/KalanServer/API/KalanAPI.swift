import Foundation
import KalanCertificates
import KalanCore
import OpenAPIRuntime

/// The `/api/v1` operations of openapi.yaml, each calling the same use cases as the CLI.
struct KalanAPI: APIProtocol {
    let repository: any KalanRepository
    /// Statistics read here (a standby when one is configured).
    let readRepository: any KalanRepository
    let issuing: CertificateIssuing
    /// The one policy for a posted credential (the /verify page's).
    let verification: CredentialVerification
    let accounts: Accounts
    /// Session cookies carry Secure when Kalan is published over HTTPS.
    let secureCookies: Bool
    let clock: WallClock
    /// HR's notices (the pages' desk); nil: the notice operations answer 503.
    var notices: NoticeDesk? = nil
    /// Wallet offers (issue 31); nil: the operation answers 503.
    var walletOffers: WalletOffers? = nil

    var actor: Actor { RequestPrincipal.actor ?? Actor(name: "anonymous", role: .viewer) }
    var language: Language { RequestPrincipal.language }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        guard let id = actor.userID else { throw KalanError.forbidden }
        // The account was read with the token a moment ago, in the same request.
        let read = RequestPrincipal.user
        let user = try await read?.id == id ? read! : accounts.me(actor: actor)
        return .ok(.init(body: .json(.init(username: user.username, displayName: user.displayName, role: .init(user.role)))))
    }

    func listTrainees(_ input: Operations.ListTrainees.Input) async throws -> Operations.ListTrainees.Output {
        let q = input.query
        try ContractLimits.number(q.limit, "limit", in: 1...500)
        try ContractLimits.text(q.cursor, "cursor", max: 1000)
        try ContractLimits.text(q.search, "search", max: 100)
        try ContractLimits.text(q.department, "department", max: 32)
        let limit = min(max(q.limit ?? 50, 1), 500)
        let order = q.sort.map(TraineeOrder.init) ?? .staffNumber
        var after: TraineeSortKey?
        if let cursor = q.cursor {
            guard let decoded = Cursor.decode(cursor, as: TraineeCursor.self), decoded.order == order,
                [decoded.key.staffNumber, decoded.key.familyName, decoded.key.givenName].allSatisfy({ $0.count <= 100 })
            else { throw KalanError.invalid(field: "cursor", problem: .format(.cursor)) }
            after = decoded.key
        }
        let filter = TraineeFilter(
            search: q.search, departmentCode: q.department?.uppercased(), active: q.active, limit: limit + 1, order: order, after: after)
        let found = try await StaffQueries(repository: repository).list(filter, actor: actor)
        let page = Array(found.staff.prefix(limit))
        let next = found.staff.count > limit ? page.last.map { Cursor.encode(TraineeCursor(order: order, key: TraineeSortKey($0))) } : nil
        return .ok(.init(body: .json(.init(items: page.map { Self.schema($0, department: found.departments.code(of: $0.departmentID)) }, nextCursor: next))))
    }

    func createTrainee(_ input: Operations.CreateTrainee.Input) async throws -> Operations.CreateTrainee.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.headers.idempotencyKey, "Idempotency-Key", min: 1, max: 100)
        try ContractLimits.text(body.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        try ContractLimits.text(body.givenName, "givenName", min: 1, max: FieldLimits.name)
        try ContractLimits.text(body.familyName, "familyName", min: 1, max: FieldLimits.name)
        try ContractLimits.text(body.category, "category", max: FieldLimits.category)
        try ContractLimits.text(body.position, "position", max: FieldLimits.position)
        try ContractLimits.text(body.department, "department", max: FieldLimits.department)
        try ContractLimits.text(body.email, "email", max: FieldLimits.email)
        try ContractLimits.text(body.phone, "phone", max: FieldLimits.phone)
        let fields = [
            "staff_number": body.staffNumber, "given_name": body.givenName, "family_name": body.familyName, "sex": body.sex.rawValue,
            "category": body.category ?? "", "position": body.position ?? "", "department": body.department ?? "", "email": body.email ?? "",
            "phone": body.phone ?? "",
        ]
        let trainee = try await TraineeRegister(repository: repository).add(fields: fields, actor: actor)
        return .created(.init(headers: .init(eTag: Self.etag(trainee)), body: .json(Self.schema(trainee, department: body.department?.uppercased()))))
    }

    func getTrainee(_ input: Operations.GetTrainee.Input) async throws -> Operations.GetTrainee.Output {
        try ContractLimits.text(input.path.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        let (trainee, department) = try await StaffQueries(repository: repository).record(staffNumber: input.path.staffNumber, actor: actor)
        return .ok(.init(headers: .init(eTag: Self.etag(trainee)), body: .json(Self.schema(trainee, department: department?.code))))
    }

    func updateTrainee(_ input: Operations.UpdateTrainee.Input) async throws -> Operations.UpdateTrainee.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        try ContractLimits.text(input.headers.ifMatch, "If-Match", max: 100)
        try ContractLimits.text(body.givenName, "givenName", min: 1, max: FieldLimits.name)
        try ContractLimits.text(body.familyName, "familyName", min: 1, max: FieldLimits.name)
        try ContractLimits.text(body.position, "position", max: FieldLimits.position)
        try ContractLimits.text(body.email, "email", max: FieldLimits.email)
        try ContractLimits.text(body.phone, "phone", max: FieldLimits.phone)
        guard let version = Self.version(fromETag: input.headers.ifMatch) else {
            throw KalanError.invalid(field: "If-Match", problem: .format(.traineeEtag))
        }
        let trainee = try await TraineeRegister(repository: repository).update(
            staffNumber: input.path.staffNumber, expectedVersion: version,
            changes: .init(givenName: body.givenName, familyName: body.familyName, position: body.position, email: body.email, phone: body.phone, active: body.active),
            actor: actor)
        let department = try await StaffQueries(repository: repository).record(staffNumber: trainee.staffNumber, actor: actor).1
        return .ok(.init(headers: .init(eTag: Self.etag(trainee)), body: .json(Self.schema(trainee, department: department?.code))))
    }

    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let q = input.query
        try ContractLimits.number(q.limit, "limit", in: 1...500)
        try ContractLimits.text(q.cursor, "cursor", max: 1000)
        try ContractLimits.text(q.course, "course", max: 32)
        let limit = q.limit ?? 100
        var filter = SessionFilter()
        filter.limit = limit + 1
        filter.order = q.sort.map(SessionOrder.init) ?? .startsOn
        filter.status = q.status.map(SessionStatus.init)
        filter.courseCode = q.course?.uppercased()
        filter.from = try q.from.map { try Validate.day($0, field: "from") }
        filter.to = try q.to.map { try Validate.day($0, field: "to") }
        if let cursor = q.cursor {
            guard let decoded = Cursor.decode(cursor, as: SessionCursor.self), decoded.order == filter.order, decoded.key.code.count <= 40 else {
                throw KalanError.invalid(field: "cursor", problem: .format(.cursor))
            }
            filter.after = decoded.key
        }
        let query = filter
        let found = try await SessionQueries(repository: repository).list(query, actor: actor)
        let page = Array(found.sessions.prefix(limit))
        let next = found.sessions.count > limit ? page.last.map { Cursor.encode(SessionCursor(order: query.order, key: SessionSortKey(startsOn: $0.startsOn, code: $0.code))) } : nil
        return .ok(.init(body: .json(.init(items: page.map { Self.schema($0, found.courses[$0.courseID]?.code ?? "") }, nextCursor: next))))
    }

    func getRoster(_ input: Operations.GetRoster.Input) async throws -> Operations.GetRoster.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        // One statement: the session, its course's code and the lines.
        let (session, courseCode, all) = try await ResultsRecording(repository: repository).rosterWithCourse(sessionCode: input.path.code, actor: actor)
        let lines = all.filter { input.query.past == true || !$0.enrolment.status.hasLeftTheRoster }
        let schema = Self.schema(session, courseCode), days = session.trainingDays.count
        // Written straight to JSON when the server asks for it (DirectJSON.swift).
        if DirectJSON.answer({ Self.writeRoster(schema, lines, trainingDays: days, to: &$0) }) {
            return .ok(.init(body: .json(.init(session: schema, lines: []))))
        }
        return .ok(.init(body: .json(Self.roster(schema, lines, trainingDays: days))))
    }

    static func roster(_ session: Components.Schemas.Session, _ lines: [RosterLine], trainingDays days: Int) -> Operations.GetRoster.Output.Ok.Body.JsonPayload {
        .init(
            session: session,
            lines: lines.map {
                .init(
                    staffNumber: $0.trainee.staffNumber, name: $0.trainee.fullName, department: $0.departmentCode, status: $0.enrolment.status.rawValue,
                    waitlistPosition: $0.enrolment.waitlistPosition, attendanceRate: $0.attendanceRate(trainingDays: days), preScore: $0.preScore,
                    postScore: $0.postScore)
            })
    }

    /// The same members as `roster(_:_:trainingDays:)`, in the schema's order.
    static func writeRoster(_ session: Components.Schemas.Session, _ lines: [RosterLine], trainingDays days: Int, to json: inout DirectJSON.Writer) {
        json.object { json in
            json.key("session")
            json.object { json in
                json.member("code", session.code)
                json.member("course", session.course)
                json.member("startsOn", session.startsOn)
                json.member("endsOn", session.endsOn)
                json.member("mode", session.mode.rawValue)
                json.member("city", session.city)
                json.member("country", session.country)
                json.member("capacity", session.capacity)
                json.member("status", session.status.rawValue)
            }
            json.key("lines")
            json.array(lines) { json, line in
                json.object { json in
                    json.member("staffNumber", line.trainee.staffNumber)
                    json.member("name", line.trainee.fullName)
                    json.member("department", line.departmentCode)
                    json.member("status", line.enrolment.status.rawValue)
                    json.member("waitlistPosition", line.enrolment.waitlistPosition)
                    json.member("attendanceRate", line.attendanceRate(trainingDays: days))
                    json.member("preScore", line.preScore)
                    json.member("postScore", line.postScore)
                }
            }
        }
    }

    func enrol(_ input: Operations.Enrol.Input) async throws -> Operations.Enrol.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(body.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        try ContractLimits.text(body.override, "override", max: 500)
        try ContractLimits.text(input.headers.idempotencyKey, "Idempotency-Key", min: 1, max: 100)
        let e = try await EnrolmentWorkflow(repository: repository, clock: clock).enrol(staffNumber: body.staffNumber, sessionCode: input.path.code, actor: actor, override: body.override)
        return .created(.init(body: .json(Self.schema(e, session: input.path.code, staffNumber: body.staffNumber))))
    }

    func withdraw(_ input: Operations.Withdraw.Input) async throws -> Operations.Withdraw.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(input.path.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        try ContractLimits.text(body.reason, "reason", max: 500)
        let e = try await EnrolmentWorkflow(repository: repository, clock: clock).withdraw(
            staffNumber: input.path.staffNumber, sessionCode: input.path.code, reason: body.reason, actor: actor)
        return .ok(.init(body: .json(Self.schema(e, session: input.path.code, staffNumber: input.path.staffNumber))))
    }

    func recordAttendance(_ input: Operations.RecordAttendance.Input) async throws -> Operations.RecordAttendance.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.count(body.marks.count, "marks", in: 1...500)
        for mark in body.marks { try ContractLimits.text(mark.staffNumber, "marks.staffNumber", min: 1, max: 32) }
        try ContractLimits.text(input.headers.ifMatch, "If-Match", max: 100)
        try ContractLimits.text(body.version, "version", max: 100)
        guard let day = Day(body.day) else { throw KalanError.invalid(field: "day", problem: .format(.date)) }
        var expected = body.version
        if let ifMatch = input.headers.ifMatch {
            guard let version = Self.sheetVersion(fromETag: ifMatch) else {
                throw KalanError.invalid(field: "If-Match", problem: .format(.sheetVersion))
            }
            if let other = expected, other != version { throw KalanError.invalid(field: "version", problem: .format(.ifMatchVersion)) }
            expected = version
        }
        let marks = body.marks.map { ResultsRecording.AttendanceMark(staffNumber: $0.staffNumber, day: day, status: AttendanceStatus($0.status)) }
        let versions = try await ResultsRecording(repository: repository).recordAttendance(
            sessionCode: input.path.code, marks: marks, expectedVersion: expected, actor: actor)
        return .noContent(.init(headers: .init(eTag: versions[day].map { Self.etag(sheetVersion: $0) })))
    }

    func complete(_ input: Operations.Complete.Input) async throws -> Operations.Complete.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(input.path.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        try ContractLimits.text(body.reason, "reason", max: 500)
        var override: (outcome: CompletionRule.Outcome, reason: String)?
        if let outcome = body.outcome {
            guard let reason = body.reason?.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
            override = (CompletionRule.Outcome(outcome), reason)
        }
        let done = try await ResultsRecording(repository: repository).complete(
            sessionCode: input.path.code, staffNumber: input.path.staffNumber, actor: actor, override: override)
        return .ok(.init(body: .json(Self.schema(done.enrolment, session: input.path.code, staffNumber: input.path.staffNumber))))
    }

    func verifyCertificate(_ input: Operations.VerifyCertificate.Input) async throws -> Operations.VerifyCertificate.Output {
        try ContractLimits.text(input.path.serial, "serial", min: 1, max: 64)
        guard let v = try await issuing.verify(serial: input.path.serial, language: language) else {
            throw KalanError.notFound(.certificate, key: input.path.serial)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        serial: v.serial, genuine: v.genuine && !v.withdrawnKey, status: .init(v.status), holder: v.holder, courseCode: v.courseCode,
                        courseTitle: v.courseTitle, hours: v.hours, partner: v.partner, sessionStart: "\(v.sessionStart)", sessionEnd: "\(v.sessionEnd)",
                        issuedOn: "\(v.issuedOn)", expiresOn: v.expiresOn.map(\.description), revokedOn: v.revokedOn.map(\.description),
                        revocationReason: v.revocationReason, verificationURL: v.verificationURL, withdrawnKey: v.withdrawnKey))))
    }
}
