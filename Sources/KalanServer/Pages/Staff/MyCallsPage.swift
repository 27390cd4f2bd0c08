import Foundation
import Hummingbird
import KalanCore

/// The calls for applicants open to the signed-in staff member, with their applications: apply
/// with a short motivation, withdraw before the closing date.
struct MyCallsPage: Sendable {
    let calls: CallsForApplicants

    struct OfferView {
        var code, path, course, dates, place, partner, closes: String
        var state, stateCode: String?
        var canApply, canWithdraw: Bool
        var motivation: String
        var error: String?
        var csrf: String
    }

    struct View {
        var offers: [OfferView]
    }

    func show(_ page: PageRequest, failed: (code: String, motivation: String, error: String)? = nil, flash: PageContext.Flash? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let member = try page.requireStaff()
        let language = page.language
        let offers = try await calls.offers(for: member).map { offer in
            let application = offer.application
            let mine = failed?.code == offer.session.code ? failed : nil
            return OfferView(
                code: offer.session.code, path: PageRequest.segment(offer.session.code), course: offer.course?.title(in: language) ?? offer.session.code,
                dates: Format.span(offer.session.startsOn, offer.session.endsOn, language), place: MyTrainingsPage.place(offer.session, language),
                partner: offer.partner?.name ?? "", closes: Format.day(offer.call.closesOn, language),
                state: application.map { page.t("staff.calls.status.\($0.status.rawValue)") }, stateCode: application?.status.rawValue,
                canApply: offer.open && (application == nil), canWithdraw: offer.open && application?.status == .submitted,
                motivation: mine?.motivation ?? "", error: mine?.error, csrf: page.csrf)
        }
        return page.render(
            "my_calls", title: page.t("staff.calls.title"), view: View(offers: offers), flash: flash ?? MyTrainingsPage.flash(page), status: status)
    }

    func apply(_ page: PageRequest, code: String) async throws -> Response {
        let member = try page.requireStaff()
        let form = try await page.staffForm()
        let motivation = String((form["motivation"] ?? "").prefix(4000))
        do {
            try await calls.apply(sessionCode: code, motivation: motivation, member: member)
        } catch let error as KalanError where error.field != nil || error.status.code == 409 {
            return try await show(
                page, failed: (code.uppercased(), MyCallsPage.shown(motivation), error.message(in: page.language)), status: error.status)
        }
        return page.redirect("/me/calls", done: "applied")
    }

    func withdraw(_ page: PageRequest, code: String) async throws -> Response {
        let member = try page.requireStaff()
        _ = try await page.staffForm()
        do {
            try await calls.withdraw(sessionCode: code, member: member)
        } catch let error as KalanError where error.field != nil {
            return try await show(page, flash: .bad([error.message(in: page.language)]), status: error.status)
        }
        return page.redirect("/me/calls", done: "withdrawn")
    }

    static func shown(_ text: String) -> String { StaffSignInPage.shown(text.replacingOccurrences(of: "\r\n", with: "\n")) }
}
