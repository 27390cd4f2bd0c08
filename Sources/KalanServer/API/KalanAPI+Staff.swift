import Foundation
import KalanCore
import OpenAPIRuntime

/// The staff member's own door over the API (issue 26): a code, a staff session (the `kalan_staff`
/// cookie), their trainings and their evaluation. `BearerAuthenticationMiddleware` puts the person
/// in `RequestPrincipal.staff` for the staff operations only.
extension KalanAPI {
    var staffSignIn: StaffSignIn { StaffSignIn(repository: repository, clock: clock) }

    func requestStaffCode(_ input: Operations.RequestStaffCode.Input) async throws -> Operations.RequestStaffCode.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(body.identifier, "identifier", min: 1, max: 200)
        try await staffSignIn.requestCode(identifier: body.identifier, address: RequestPrincipal.address, language: language)
        return .accepted(.init())
    }

    func staffSignIn(_ input: Operations.StaffSignIn.Input) async throws -> Operations.StaffSignIn.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(body.identifier, "identifier", min: 1, max: 200)
        try ContractLimits.text(body.code, "code", min: 1, max: 12)
        let session = try await staffSignIn.signIn(identifier: body.identifier, code: body.code, address: RequestPrincipal.address)
        let cookie = StaffCookie.set(secret: session.secret, maxAge: StaffSignIn.Limits().sessionLifetime, secure: secureCookies)
        return .ok(
            .init(
                headers: .init(setCookie: cookie),
                body: .json(.init(staffNumber: session.member.staffNumber, name: session.member.displayName, expiresAt: session.expiresAt))))
    }

    func listMyTrainings(_ input: Operations.ListMyTrainings.Input) async throws -> Operations.ListMyTrainings.Output {
        guard let member = RequestPrincipal.staff else { throw KalanError.unauthenticated }
        let today = clock.today()
        let items = try await MyTrainings(repository: repository, clock: clock).lines(for: member).map { try Self.myTraining($0, language: language, today: today) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func evaluateMyTraining(_ input: Operations.EvaluateMyTraining.Input) async throws -> Operations.EvaluateMyTraining.Output {
        guard let member = RequestPrincipal.staff else { throw KalanError.unauthenticated }
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        let form = SessionEvaluations.Form(
            content: String(body.content), trainer: String(body.trainer), organisation: String(body.organisation), usefulness: String(body.usefulness),
            comment: body.comment)
        try await SessionEvaluations(repository: repository, clock: clock).answer(sessionCode: input.path.code, form: form, member: member)
        return .noContent(.init())
    }

    static func myTraining(_ line: MyTrainings.Line, language: Language, today: Day) throws -> Components.Schemas.MyTraining {
        guard let status = Components.Schemas.MyTraining.StatusPayload(rawValue: line.enrolment.status.rawValue),
            let mode = Components.Schemas.MyTraining.ModePayload(rawValue: line.session.mode.rawValue)
        else { throw KalanError.storageFailure("enrolment status or mode outside the contract") }
        let certificate = try line.certificate.map { c -> Components.Schemas.MyTraining.CertificatePayload in
            guard let state = Components.Schemas.MyTraining.CertificatePayload.StatusPayload(rawValue: c.status(on: today).rawValue) else {
                throw KalanError.storageFailure("certificate status outside the contract")
            }
            return .init(
                serial: c.serial, status: state, pdf: "/verify/\(c.serial)/certificate.pdf", credential: "/verify/\(c.serial)/credential.json",
                verification: "/verify/\(c.serial)")
        }
        let session = line.session
        return .init(
            session: session.code, courseCode: line.course?.code ?? "", course: line.course?.title(in: language) ?? session.code, status: status,
            waitlistPosition: line.enrolment.waitlistPosition, startsOn: "\(session.startsOn)", endsOn: "\(session.endsOn)", mode: mode, city: session.city,
            country: session.country, partner: line.partner?.name ?? "", attendanceRate: line.attendanceRate, preScore: line.preScore, postScore: line.postScore,
            convocation: line.hasConvocation ? "/me/trainings/\(session.code)/convocation.pdf" : nil, certificate: certificate, evaluated: line.evaluated,
            mayEvaluate: line.mayEvaluate)
    }
}
