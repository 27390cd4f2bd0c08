import Foundation
import HTTPTypes
import Hummingbird
import KalanCertificates
import KalanCore
import NIOCore

/// The public face of certificates: a page and JSON per serial, a form to check a pasted
/// credential offline-style, and the issuer profile with every key that ever signed.
struct VerificationController<Context: RequestContext>: Sendable {
    let issuing: CertificateIssuing
    let issuer: OpenBadgeIssuer
    let repository: any KalanRepository
    let accounts: Accounts

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("verify") { request, _ in
            // The serial form submits by GET; send it to the serial's own page.
            if let serial = request.uri.queryParameters.get("serial")?.trimmingCharacters(in: .whitespaces), !serial.isEmpty,
                let path = serial.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.")))
            {
                return Response(status: .seeOther, headers: [.location: "/verify/\(path)?lang=\(request.language.rawValue)"])
            }
            return try await render(request)
        }
        router.get("verify/:serial") { request, context in try await page(request, context) }
        router.post("verify") { request, _ in try await pasted(request) }
        router.get("issuer") { _, _ in try await profile() }
    }

    struct Row {
        var label: String
        var value: String
    }

    struct Details { var rows: [Row] }

    struct Result {
        var kind: String
        var verdict: String
        var details: Details?
    }

    struct View { var result: Result? }

    func render(_ request: Request, result: Result? = nil, title: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await accounts.page(request)
        return page.render("verify", title: title ?? page.t("verify.title"), view: View(result: result), status: status)
    }

    func page(_ request: Request, _ context: Context) async throws -> Response {
        let serial = try context.parameters.require("serial")
        if request.wantsJSON { return try await json(request, context) }
        let language = request.language
        guard serial.utf8.count <= 64, let check = try await issuing.verify(serial: serial, language: language) else {
            let text = Messages.text("verify.unknown", language, ["serial": String(serial.prefix(64))])
            return try await render(
                request, result: Result(kind: "bad", verdict: text), title: Messages.text("verify.unknown_title", language), status: .notFound)
        }
        return try await render(request, result: result(check, language), title: check.serial)
    }

    func json(_ request: Request, _ context: Context) async throws -> Response {
        let serial = try context.parameters.require("serial")
        let language = request.language
        guard serial.utf8.count <= 64, let check = try await issuing.verify(serial: serial, language: language) else {
            return Problem(
                type: "/problems/not-found", title: Messages.text("verify.unknown_title", language), status: 404,
                detail: Messages.text("verify.unknown_detail", language)
            ).response()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(check))))
    }

    /// A pasted or uploaded credential: is its proof genuine with one of our keys, and what is its status?
    func pasted(_ request: Request) async throws -> Response {
        let language = request.language
        let body = try await request.body.collect(upTo: 256 * 1024)
        let text: String
        let contentType = request.headers[.contentType] ?? ""
        if MultipartForm.boundary(in: contentType) != nil {
            do {
                let multipart = try MultipartForm.parse(body: Array(body.readableBytesView), contentType: contentType)
                // An uploaded file wins over the text area.
                text = multipart.text("file") ?? multipart.text("credential") ?? ""
            } catch {
                let text = Messages.text("verify.unreadable", language, ["problem": error.description])
                return try await render(request, result: Result(kind: "bad", verdict: text), status: .badRequest)
            }
        } else {
            text = URLEncodedForm(String(buffer: body))["credential"] ?? ""
        }
        guard let document = try? JSONValue(parsing: text) else {
            return try await render(request, result: Result(kind: "bad", verdict: Messages.text("verify.not_json", language)), status: .badRequest)
        }
        let keys = try await repository.transaction { try await $0.signingKeys() }
        let result = DataIntegrity.verify(document) { method in
            keys.first { $0.id == method }.flatMap { try? Multikey.publicKey(fromMultibase: $0.publicKeyMultibase) }
        }
        let ours =
            result.isVerified
            && keys.contains { key in
                if case .verified(let method) = result { return key.id == method }
                return false
            }
        if ours, let serial = serialOf(document), let check = try await issuing.verify(serial: serial, language: language) {
            return try await render(request, result: self.result(check, language))
        }
        let why = result.failure?.rawValue ?? Messages.text("verify.key_unknown", language)
        return try await render(request, result: Result(kind: "bad", verdict: Messages.text("verify.not_genuine", language, ["why": why])))
    }

    func serialOf(_ document: JSONValue) -> String? {
        if let serial = document["serialNumber"]?.stringValue { return serial }
        guard let id = document["id"]?.stringValue, let range = id.range(of: "/verify/") else { return nil }
        return String(id[range.upperBound...])
    }

    func profile() async throws -> Response {
        let keys = try await repository.transaction { try await $0.signingKeys() }
        var all = keys
        if !all.contains(where: { $0.id == issuer.keyID }) { all.append((issuer.keyID, issuer.publicKeyMultibase, false)) }
        let text = try issuer.profile(keys: all).serialized()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func result(_ check: CertificateIssuing.Verification, _ language: Language) -> Result {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        let verdict: (String, String)
        if !check.genuine {
            verdict = ("bad", t("verify.invalid_signature"))
        } else {
            switch check.status {
            case .valid: verdict = ("ok", t("verify.valid"))
            case .expired: verdict = ("warn", t("verify.expired"))
            case .revoked:
                let reason = check.revocationReason ?? ""
                verdict = ("bad", check.revokedOn.map { t("verify.revoked", ["day": Format.day($0, language), "reason": reason]) } ?? t("verify.revoked_undated", ["reason": reason]))
            }
        }
        var rows = [
            Row(label: t("verify.label.serial"), value: check.serial), Row(label: t("verify.label.holder"), value: check.holder),
            Row(label: t("verify.label.course"), value: "\(check.courseTitle) (\(check.courseCode), \(t("format.hours", ["hours": String(check.hours)])))"),
            Row(label: t("verify.label.partner"), value: check.partner),
            Row(label: t("verify.label.session"), value: Format.span(check.sessionStart, check.sessionEnd, language)),
            Row(label: t("verify.label.issued"), value: Format.day(check.issuedOn, language)),
        ]
        if let expires = check.expiresOn { rows.append(Row(label: t("verify.label.expires"), value: Format.day(expires, language))) }
        return Result(kind: verdict.0, verdict: verdict.1, details: Details(rows: rows))
    }
}
