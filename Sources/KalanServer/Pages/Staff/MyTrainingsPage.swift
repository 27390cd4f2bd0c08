import Foundation
import Hummingbird
import KalanCore
import KalanNotices
import KalanPrint

/// "My trainings": the signed-in staff member's enrolments, on a phone first, with the
/// convocation and calendar invitation of a seat and each certificate's downloads.
struct MyTrainingsPage: Sendable {
    let trainings: MyTrainings
    let signatory: String?
    let clock: WallClock

    struct LineView {
        var code, path, course, status, statusCode, dates, place, partner: String
        var waitlist, attendance, preScore, postScore: String?
        var convocation: Bool
        var certificate: CertificateView?
        var mayEvaluate, evaluated: Bool
    }

    struct CertificateView {
        var serial, serialPath, state: String
    }

    struct View {
        var hello: String
        var lines: [LineView]
    }

    func show(_ page: PageRequest) async throws -> Response {
        let member = try page.requireStaff()
        let lines = try await trainings.lines(for: member)
        let today = clock.today()
        let view = View(hello: page.t("staff.trainings.hello", ["name": member.displayName]), lines: lines.map { Self.view($0, page: page, today: today) })
        return page.render("my_trainings", title: page.t("staff.trainings.title"), view: view, flash: Self.flash(page))
    }

    static func flash(_ page: PageRequest) -> PageContext.Flash? {
        guard let done = page.request.formQuery.get("done"), let text = Messages.optionalText("staff.done.\(done)", page.language) else { return nil }
        return .ok([text])
    }

    static func view(_ line: MyTrainings.Line, page: PageRequest, today: Day) -> LineView {
        let language = page.language
        let session = line.session
        func score(_ value: Double?) -> String? { value.map { Format.number($0, decimals: 1, language) } }
        return LineView(
            code: session.code, path: PageRequest.segment(session.code), course: line.course?.title(in: language) ?? session.code,
            status: Self.capitalised(line.enrolment.status.name(in: language)), statusCode: line.enrolment.status.rawValue, dates: Format.span(session.startsOn, session.endsOn, language),
            place: place(session, language), partner: line.partner?.name ?? "",
            waitlist: line.enrolment.waitlistPosition.map { page.t("staff.trainings.waitlist_position", ["position": String($0)]) },
            attendance: line.attendanceRate.map { Format.percent($0 / 100, language) }, preScore: score(line.preScore), postScore: score(line.postScore),
            convocation: line.hasConvocation,
            certificate: line.certificate.map {
                CertificateView(serial: $0.serial, serialPath: PageRequest.segment($0.serial), state: $0.status(on: today).name(in: language))
            }, mayEvaluate: line.mayEvaluate, evaluated: line.evaluated)
    }

    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func place(_ session: TrainingSession, _ language: Language) -> String {
        if session.mode == .online { return Messages.text("notice.online", language) }
        let city = session.city.map { Names.city($0, language) } ?? ""
        return Messages.text("notice.place", language, ["city": city, "country": session.country.map { Names.country($0, language) } ?? ""])
    }

    /// The convocation of the person's seat, as the notices attach it.
    func convocation(_ page: PageRequest, code: String) async throws -> Response {
        let member = try page.requireStaff()
        let line = try await trainings.line(sessionCode: code, for: member)
        guard line.hasConvocation else { throw KalanError.notFound(.session, key: code) }
        let letter = ConvocationLetter(
            personName: member.displayName, staffNumber: member.staffNumber, session: line.session.code, course: line.course?.title(in: page.language) ?? "",
            startsOn: line.session.startsOn, endsOn: line.session.endsOn, place: Self.place(line.session, page.language), partner: line.partner?.name ?? "",
            signatory: signatory ?? page.t("notice.convocation.signatory"), issuedOn: clock.today())
        let pdf = try ConvocationRenderer().render([letter], language: page.language)
        return CertificatePages.download(pdf, type: "application/pdf", name: "convocation-\(line.session.code).pdf")
    }

    /// The calendar invitation of the person's seat (the same UID as the notices' invitations).
    func invitation(_ page: PageRequest, code: String) async throws -> Response {
        let member = try page.requireStaff()
        let line = try await trainings.line(sessionCode: code, for: member)
        guard line.hasConvocation else { throw KalanError.notFound(.session, key: code) }
        let course = line.course?.title(in: page.language) ?? line.session.code
        let invitation = CalendarInvitation(
            method: .request, uid: "\(line.enrolment.id.uuidString.lowercased())@kalan", sequence: 0,
            summary: Messages.text("notice.calendar", page.language, ["course": course, "session": line.session.code]),
            description: Messages.text("notice.partner_line", page.language, ["partner": line.partner?.name ?? ""]), location: Self.place(line.session, page.language),
            startsOn: line.session.startsOn, endsOn: line.session.endsOn, organizer: "kalan@localhost", attendee: nil, stamp: clock.now())
        return CertificatePages.download(Data(invitation.text.utf8), type: "text/calendar; charset=utf-8", name: "\(line.session.code).ics")
    }
}
