import Foundation
import HTTPTypes
import Hummingbird
import KalanCertificates
import KalanCore
import KalanPrint

/// A certificate's wallet offers in the pages (issue 31): HR makes an offer and shows it as QR
/// codes (the Learner Credential Wallet's request link first, then OpenID4VCI), with a link each
/// for a phone that holds the wallet, the transaction code, and every offer with what became of it
/// and the wallets that hold a copy.
struct WalletOfferPages: Sendable {
    let offers: WalletOffers

    func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("certificates/:serial/wallet") { request, context in try await show(request, serial: try CertificatePages.serial(context)) }
        group.post("certificates/:serial/wallet") { request, context in try await make(request, serial: try CertificatePages.serial(context)) }
    }

    /// The holder's own button (issue 26's `/me` group): an offer for their certificate, shown at once.
    func addStaff(to group: RouterGroup<KalanRequestContext>) {
        group.post("certificates/:serial/wallet") { request, context in try await holderOffer(request, serial: try CertificatePages.serial(context)) }
        group.get("certificates/:serial/wallet") { request, context in try await holderShow(request, serial: try CertificatePages.serial(context)) }
    }

    /// The holder's page of a certificate's wallets: the copies wallets hold and the button for a new offer.
    func holderShow(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(staff: request)
        let member = try page.requireStaff()
        let (_, copies) = try await offers.history(serial: serial, by: .holder(traineeID: member.traineeID, auditName: "staff:\(member.staffNumber)"))
        var view = View(
            serial: serial, path: PageRequest.segment(serial), heading: page.t("wallet.page.heading", ["serial": serial]), codes: [], hasCodes: false,
            lines: [], copies: Self.copies(copies, page), hasCopies: !copies.isEmpty)
        view.action = "/me/certificates/\(PageRequest.segment(serial))/wallet"
        view.back = "/me"
        return page.render("wallet_offer", title: page.t("wallet.page.title"), view: view)
    }

    static func copies(_ copies: [WalletCopy], _ page: PageRequest) -> [Copy] {
        copies.map { Copy(holder: $0.holderDID, way: page.t("wallet.way.\($0.wayIn.rawValue)"), at: Self.instant($0.issuedAt)) }
    }

    func holderOffer(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(staff: request)
        let member = try page.requireStaff()
        _ = try await page.staffForm()
        let holder = WalletOffers.Maker.holder(traineeID: member.traineeID, auditName: "staff:\(member.staffNumber)")
        let offer = try await offers.create(serial: serial, by: holder)
        let (_, copies) = try await offers.history(serial: serial, by: holder)
        var view = View(
            serial: serial, path: PageRequest.segment(serial), heading: page.t("wallet.page.heading", ["serial": serial]), codes: codes(offer, page),
            hasCodes: true, lines: [], copies: Self.copies(copies, page), hasCopies: !copies.isEmpty)
        view.expires = page.t("wallet.page.expires", ["at": Self.instant(offer.expiresAt)])
        view.interactionUrl = offers.links(of: offer).interactionUrl
        view.action = "/me/certificates/\(PageRequest.segment(serial))/wallet"
        view.back = "/me"
        return page.render("wallet_offer", title: page.t("wallet.page.title"), view: view)
    }

    func codes(_ offer: WalletOffer, _ page: PageRequest) -> [Code] {
        let links = offers.links(of: offer)
        return [("lcw", links.lcwRequestUrl), ("oid4vci", links.credentialOfferUrl)].map { key, url in
            let heading = page.t("wallet.page.\(key)")
            return Code(heading: heading, note: page.t("wallet.page.\(key)_note"), url: url, svg: QRCodeSVG.svg(url, label: heading) ?? "")
        }
    }

    struct Code {
        var heading, note, url, svg: String
    }

    struct Line {
        var made, by, state: String
        var holder: String?
    }

    struct Copy {
        var holder, way, at: String
    }

    struct View {
        var serial, path, heading: String
        var codes: [Code]
        var hasCodes: Bool
        var txCode, expires, interactionUrl: String?
        var lines: [Line]
        var copies: [Copy]
        var hasCopies: Bool
        var hasLines = false
        var action = ""
        var back = ""
    }

    func make(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        _ = try await page.form()
        _ = try await offers.create(serial: serial, by: .account(actor))
        return page.redirect("/certificates/\(PageRequest.segment(serial))/wallet")
    }

    func show(_ request: Request, serial: String) async throws -> Response {
        let page = PageRequest(request)
        let actor = try page.requireUser().actor
        let (list, copies) = try await offers.history(serial: serial, by: .account(actor))
        var codes: [Code] = []
        var view = View(
            serial: serial, path: PageRequest.segment(serial), heading: page.t("wallet.page.heading", ["serial": serial]), codes: [], hasCodes: false,
            lines: [], copies: [], hasCopies: !copies.isEmpty)
        view.action = "/certificates/\(PageRequest.segment(serial))/wallet"
        view.back = "/certificates?search=\(PageRequest.segment(serial))"
        if let live = list.first(where: { $0.status == .live }) {
            let links = offers.links(of: live)
            codes = self.codes(live, page)
            view.txCode = live.txCode
            view.expires = page.t("wallet.page.expires", ["at": Self.instant(live.expiresAt)])
            view.interactionUrl = links.interactionUrl
        }
        view.codes = codes
        view.hasCodes = !codes.isEmpty
        view.lines = list.map { offer in
            Line(
                made: Self.instant(offer.createdAt), by: offer.createdBy,
                state: offer.wayIn.map { page.t("wallet.state.used", ["way": page.t("wallet.way.\($0.rawValue)")]) } ?? page.t("wallet.state.\(offer.status.rawValue)"),
                holder: offer.holderDID)
        }
        view.hasLines = !view.lines.isEmpty
        view.copies = Self.copies(copies, page)
        return page.render("wallet_offer", title: page.t("wallet.page.title"), view: view)
    }

    /// "2026-12-03 16:40 UTC".
    static func instant(_ date: Date) -> String { CredentialChecker.asOfText(date) }
}
