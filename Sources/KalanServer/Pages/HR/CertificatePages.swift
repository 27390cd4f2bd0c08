import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Certificates in the pages, through `CertificateIssuing` like the CLI and the API: a session's
/// certificates issued together, one PDF or the session's ZIP downloaded, one revoked with a
/// reason (admins, after a confirmation), and the list searched by serial, name or session.
struct CertificatePages: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let issuing: CertificateIssuing
    let clock: WallClock

    static let pageSize = 100

    func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("certificates") { request, _ in try await list(request) }
        group.get("certificates/:serial/pdf") { request, context in try await pdf(request, serial: try Self.serial(context)) }
        group.get("certificates/:serial/revoke") { request, context in try await confirmRevocation(request, serial: try Self.serial(context)) }
        group.post("certificates/:serial/revoke") { request, context in try await revoke(request, serial: try Self.serial(context)) }
        group.post("sessions/:code/certificates") { request, context in try await issue(request, code: try PageRoutes.code(context)) }
        group.get("sessions/:code/certificates") { request, context in
            PageRequest(request).redirect("/sessions/\(PageRequest.segment(try PageRoutes.code(context)))")
        }
        group.get("sessions/:code/certificates.zip") { request, context in try await archive(request, code: try PageRoutes.code(context)) }
    }

    static func serial(_ context: KalanRequestContext) throws -> String {
        let serial = try context.parameters.require("serial")
        guard serial.utf8.count <= 64 else { throw KalanError.notFound(.certificate, key: String(serial.prefix(64))) }
        return serial
    }

    struct Row {
        var serial, path, holder, staff, staffPath, session, sessionPath, course, issued, state: String
        var reason: String?
        var revocable: Bool
    }

    struct View {
        var search, count: String
        var rows: [Row]
        var hasRows: Bool
        /// Only administrators revoke: others are told so, rather than finding no button.
        var revokeNote: String?
    }

    func list(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let user = try page.requireUser()
        let search = try Validate.text(request.formQuery.get("search"), field: "search", max: 100, required: false) ?? ""
        let (found, total) = try await CertificateQueries(repository: repository).listing(search: search, limit: Self.pageSize, actor: user.actor)
        let language = page.language
        let today = clock.today()
        let rows = found.map { item in
            let status = item.certificate.status(on: today)
            return Row(
                serial: item.certificate.serial, path: PageRequest.segment(item.certificate.serial), holder: item.holder, staff: item.staffNumber,
                staffPath: PageRequest.segment(item.staffNumber), session: item.sessionCode, sessionPath: PageRequest.segment(item.sessionCode),
                course: item.courseTitle(in: language), issued: Format.shortDay(item.certificate.issuedOn, language), state: status.name(in: language),
                reason: item.certificate.revokedReason.map { ResultsRecording.revocationReason($0, in: language) }, revocable: user.actor.isAdmin && status != .revoked)
        }
        let count = page.t(total > found.count ? "hr.certificates.count_more" : "hr.certificates.count", ["count": String(total), "shown": String(found.count)])
        let done = request.formQuery.get("done") == "revoked" ? PageContext.Flash.ok([page.t("hr.certificates.revoked")]) : nil
        return page.render(
            "hr_certificates", title: page.t("hr.certificates.title"),
            view: View(
                search: search, count: count, rows: rows, hasRows: !rows.isEmpty, revokeNote: user.actor.isAdmin ? nil : page.t("hr.certificates.revoke_admin_only")),
            flash: done,
            wide: true)
    }

    /// One certificate's PDF, drawn by the same renderer as the API's, in the reader's language.
    func pdf(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let (_, content) = try await issuing.content(serial: serial, language: page.language, actor: actor)
        guard actor.canSee(content.session) else { throw KalanError.notFound(.certificate, key: serial) }
        let pdf = try await KalanAPI.render([content]).first ?? Data()
        return Self.download(pdf, type: "application/pdf", name: "\(serial).pdf")
    }

    func archive(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let archive = try await KalanAPI.archive(sessionCode: code, language: page.language, actor: actor, repository: repository, issuing: issuing)
        return Self.download(archive, type: "application/zip", name: "\(code)-certificates.zip")
    }

    static func download(_ data: Data, type: String, name: String) -> Response {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" ? Character($0) : "_" })
        return Response(
            status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(ascii)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Issues every completed enrolment's certificate and says how many, of how many.
    func issue(_ request: Request, code: String) async throws -> Response {
        let page = PageRequest(request)
        _ = try await page.form()
        let actor = try page.requireUser().actor
        guard actor.managesRegister else { throw KalanError.forbidden }
        let issued = try await issuing.issueSession(code: code, language: page.language, actor: actor)
        let new = issued.filter(\.isNew).count
        let line = page.t(
            "hr.certificates.issued", ["done": String(issued.count), "total": String(issued.count), "new": String(new), "already": String(issued.count - new)])
        return try await RosterPage(repository: repository, clock: clock).render(request, code: code, flash: .ok([line]))
    }

    struct Revocation {
        var serial, path, question: String
    }

    func confirmRevocation(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        guard actor.isAdmin else { throw KalanError.forbidden }
        let (_, content) = try await issuing.content(serial: serial, language: page.language, actor: actor)
        let view = Revocation(
            serial: serial, path: PageRequest.segment(serial),
            question: page.t("hr.certificates.confirm_revoke", ["serial": serial, "who": content.trainee.fullName, "session": content.session.code]))
        return page.render("hr_revoke", title: page.t("hr.confirm.title"), view: view)
    }

    func revoke(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(request)
        let fields = try await page.form()
        let actor = try page.requireUser().actor
        try await issuing.revoke(serial: serial, reason: String((fields["reason"] ?? "").prefix(500)), actor: actor)
        return page.redirect("/certificates?search=\(PageRequest.encode(serial))", done: "revoked")
    }
}
