import Foundation
import HTTPTypes
import Hummingbird
import KalanCertificates
import KalanCore
import NIOCore
import NIOPosix

/// The public face of certificates: a page and JSON per serial (drawn from the stored signed
/// credential), the holder's downloads (the signed JSON and the PDF), a form to check a pasted
/// credential, the issuer profile with every key that ever signed, the achievements the credentials
/// name, Kalan's JSON-LD context and the revocation status list.
struct VerificationController<Context: RequestContext>: Sendable {
    let issuing: CertificateIssuing
    /// The one policy for pasted credentials, the issuer profile, the status list and achievements.
    let verification: CredentialVerification

    var issuer: OpenBadgeIssuer { verification.issuer }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("verify") { request, _ in
            // The serial form submits by GET: a known serial goes to its own page; an unknown one
            // is said here, with what the person typed (kept in the box, never percent-encoded).
            if let typed = request.formQuery.get("serial")?.trimmingCharacters(in: .whitespacesAndNewlines), !typed.isEmpty {
                let serial = CertificateIssuing.normalisedSerial(typed)
                if Self.isSerialShaped(serial), try await issuing.verify(serial: serial, language: request.language) != nil {
                    return Response(status: .seeOther, headers: [.location: "/verify/\(serial)?lang=\(request.language.rawValue)"])
                }
                return try await unknown(request, typed: typed)
            }
            return try await render(request)
        }
        router.get("verify/:serial") { request, context in try await page(request, context) }
        router.get("verify/:serial/credential.json") { request, context in try await download(request, context, pdf: false) }
        router.get("verify/:serial/certificate.pdf") { request, context in try await download(request, context, pdf: true) }
        router.post("verify") { request, _ in try await pasted(request) }
        router.get("issuer") { _, _ in try await profile() }
        // The ministry's DID document (did:web): at the origin's well-known place, and at `/did.json`
        // for a Kalan served under a path (the proxy maps `/<path>/did.json` there).
        router.get(".well-known/did.json") { _, _ in try await didDocument() }
        router.get("did.json") { _, _ in try await didDocument() }
        router.get("issuer/achievements/:code") { request, context in try await achievement(request, context) }
        router.get("contexts/kalan-v1.jsonld") { _, _ in
            let text = try KalanContext.document(url: issuer.contextURL).serialized()
            return Response(
                status: .ok, headers: [.contentType: "application/ld+json", .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("status/:list") { request, context in try await statusList(request, context) }
    }

    /// A revocation status list credential (`/status/1`, `/status/2` once the first is full); ETag
    /// and If-None-Match, and a Cache-Control max-age that ends at the list's `validUntil`.
    func statusList(_ request: Request, _ context: Context) async throws -> Response {
        let language = request.language
        guard let list = Int(try context.parameters.require("list")), let published = try await verification.statusList(list) else {
            return Problem(
                type: "/problems/not-found", title: Messages.text("verify.unknown_title", language), status: 404,
                detail: Messages.text("verify.unknown_detail", language)
            ).response()
        }
        let (credential, etag) = (published.credential, published.etag)
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=\(published.maxAge), must-revalidate"]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/vc+ld+json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try credential.serializedBytes())))
    }

    /// The holder's copies: the stored signed credential (JSON) or the PDF drawn from it.
    func download(_ request: Request, _ context: Context, pdf: Bool) async throws -> Response {
        let serial = CertificateIssuing.normalisedSerial(Self.segment(try context.parameters.require("serial")))
        guard serial.utf8.count <= 64, serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw KalanError.notFound(.certificate, key: String(serial.prefix(64)))
        }
        let holder = Actor(name: "public:verify", role: .viewer, source: "verify")
        let (certificate, content) = try await issuing.content(serial: serial, language: request.language, actor: holder)
        if pdf {
            let bytes = try await NIOThreadPool.singleton.runIfActive { try CertificateRenderer().render(content) }
            return Response(
                status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(serial).pdf\""],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/vc+ld+json", .contentDisposition: "attachment; filename=\"\(serial).json\""],
            body: .init(byteBuffer: ByteBuffer(string: certificate.credential)))
    }

    /// `/issuer/achievements/{code}`: the achievement a credential names, from the catalogue.
    func achievement(_ request: Request, _ context: Context) async throws -> Response {
        guard let document = try await verification.achievement(code: try context.parameters.require("code"), language: request.language) else {
            return Problem(
                type: "/problems/not-found", title: Messages.text("credentials.achievement_unknown", request.language), status: 404,
                detail: Messages.text("credentials.achievement_unknown", request.language)
            ).response()
        }
        return Response(status: .ok, headers: [.contentType: "application/ld+json"], body: .init(byteBuffer: ByteBuffer(string: try document.serialized())))
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

    struct Downloads {
        var json: String
        var pdf: String
    }

    struct View {
        var result: Result?
        var downloads: Downloads?
        /// What the person typed in the serial box, shown there again.
        var typed: String?
    }

    func render(_ request: Request, result: Result? = nil, title: String? = nil, downloads: Downloads? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let page = PageRequest(request)
        return page.render("verify", title: title ?? page.t("verify.title"), view: View(result: result, downloads: downloads), status: status)
    }

    func page(_ request: Request, _ context: Context) async throws -> Response {
        let typed = Self.segment(try context.parameters.require("serial"))
        let serial = CertificateIssuing.normalisedSerial(typed)
        if request.wantsJSON { return try await json(request, context) }
        let language = request.language
        guard Self.isSerialShaped(serial), let check = try await issuing.verify(serial: serial, language: language) else {
            return try await unknown(request, typed: typed)
        }
        let path = "/verify/\(check.serial)"
        let downloads = Downloads(json: "\(path)/credential.json", pdf: "\(path)/certificate.pdf?lang=\(language.rawValue)")
        return try await render(request, result: result(check, language), title: check.serial, downloads: downloads)
    }

    /// "No certificate has this number", quoting what the person typed and keeping it in the box.
    func unknown(_ request: Request, typed: String) async throws -> Response {
        let language = request.language
        let shown = String(typed.trimmingCharacters(in: .whitespacesAndNewlines).prefix(64))
        let text = Messages.text("verify.unknown", language, ["serial": shown])
        let page = PageRequest(request)
        return page.render(
            "verify", title: Messages.text("verify.unknown_title", language),
            view: View(result: Result(kind: "bad", verdict: text), downloads: nil, typed: shown), status: .notFound)
    }

    /// A path segment as typed: percent-decoding undone (`%20`, `%2B`…).
    static func segment(_ raw: String) -> String { raw.removingPercentEncoding ?? raw }

    /// Letters, digits and dashes, at most 64 bytes: anything else cannot be a serial.
    static func isSerialShaped(_ serial: String) -> Bool {
        !serial.isEmpty && serial.utf8.count <= 64 && serial.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    func json(_ request: Request, _ context: Context) async throws -> Response {
        let serial = CertificateIssuing.normalisedSerial(Self.segment(try context.parameters.require("serial")))
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

    /// A pasted or uploaded credential, checked as `kalan credential verify` checks it: the proof,
    /// the key's binding to this ministry, the dates and the status bit of this very copy.
    func pasted(_ request: Request) async throws -> Response {
        let language = request.language
        let body = try await request.body.collect(upTo: 256 * 1024)
        let contentType = request.headers[.contentType] ?? ""
        // Reading the form and parsing the JSON take CPU in proportion to the body (64 KB at
        // most): on NIO's blocking pool, as password hashing is, so that a few large pastes at
        // once do not hold up every other request.
        let read = try await NIOThreadPool.singleton.runIfActive { () -> PastedCredential in
            let text: String
            if MultipartForm.boundary(in: contentType) != nil {
                do throws(MultipartForm.Malformed) {
                    let multipart = try MultipartForm.parse(body: Array(body.readableBytesView), contentType: contentType)
                    // An uploaded file wins over the text area.
                    text = multipart.text("file") ?? multipart.text("credential") ?? ""
                } catch {
                    return .unreadable(error.description)
                }
            } else {
                text = URLEncodedForm(String(buffer: body))["credential"] ?? ""
            }
            guard let document = try? JSONValue(parsing: text) else { return .notJSON }
            return .parsed(document)
        }
        let document: JSONValue
        switch read {
        case .unreadable(let problem):
            let text = Messages.text("verify.unreadable", language, ["problem": problem])
            return try await render(request, result: Result(kind: "bad", verdict: text), status: .badRequest)
        case .notJSON:
            return try await render(request, result: Result(kind: "bad", verdict: Messages.text("verify.not_json", language)), status: .badRequest)
        case .parsed(let parsed): document = parsed
        }
        let outcome = try await verification.check(document)
        let result = try await verdict(outcome, on: document, language)
        if request.wantsJSON { return try verdictJSON(result, outcome) }
        return try await render(request, result: result)
    }

    /// The verdict as JSON, for a program that posts a credential with `Accept: application/json`:
    /// `verdict` (a stable word), `message` (the page's sentence) and what the document states.
    func verdictJSON(_ result: Result, _ outcome: CredentialChecker.Outcome) throws -> Response {
        let verdict: String =
            switch outcome.failure {
            case nil: "valid"
            case .proof, .unbound, .bindingUnknown: "not_genuine"
            case .revoked: outcome.supersededAt != nil || outcome.replaced ? "superseded" : "revoked"
            case .expired: "expired"
            case .notYetValid: "not_yet_valid"
            case .withdrawnKey: "withdrawn_key"
            case .statusUnknown, .statusListInvalid, .statusListExpired, .statusOffline: "status_unknown"
            }
        var body: JSONObject = ["verdict": .string(verdict), "message": .string(result.verdict)]
        if let rows = result.details?.rows { body["details"] = .array(rows.map { ["label": .string($0.label), "value": .string($0.value)] }) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try JSONValue.object(body).serializedBytes())))
    }

    /// The page's words for the policy's verdict. A genuine copy shows what the pasted document
    /// itself states (holder, course, dates, validity); the register lends only a revocation's day.
    func verdict(_ outcome: CredentialChecker.Outcome, on document: JSONValue, _ language: Language) async throws -> Result {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        func bad(_ text: String) -> Result { Result(kind: "bad", verdict: text) }
        switch outcome.failure {
        case .proof, .unbound, .bindingUnknown:
            // Why, in words: "the file was changed after signing", not the code `badSignature`.
            let why = outcome.values["why"].flatMap { $0.isEmpty ? nil : t("verify.failure.\($0)") }
            return bad(t("verify.not_genuine", ["why": why ?? t("verify.key_unknown")]))
        case .withdrawnKey: return bad(t("credentials.withdrawn_key"))
        default: break
        }
        let details = CredentialStatement.read(document).map { Details(rows: rows($0, language)) }
        let verdict: (String, String)
        switch outcome.failure {
        case nil: verdict = ("ok", t("verify.valid"))
        case .expired: verdict = ("warn", t("verify.expired"))
        case .notYetValid:
            let day = outcome.values["day"].flatMap { Day($0) }.map { Format.day($0, language) } ?? outcome.values["day"] ?? ""
            verdict = ("bad", t("credentials.check.not_yet_valid", ["day": day]))
        case .revoked:
            if let superseded = outcome.supersededAt {
                // The pasted copy may be an older one than the record: replaced by a reissue.
                verdict = ("bad", t("credentials.superseded", ["day": Format.day(Day.of(superseded), language)]))
            } else if outcome.replaced {
                verdict = ("bad", t("credentials.replaced"))
            } else {
                var revokedOn: Day?
                if let serial = CredentialStatement.serial(of: document) { revokedOn = try await issuing.verify(serial: serial, language: language)?.revokedOn }
                verdict = ("bad", revokedOn.map { t("credentials.revoked", ["day": Format.day($0, language)]) } ?? t("credentials.revoked_undated"))
            }
        case .statusOffline: verdict = ("warn", t("credentials.check.status_offline", outcome.values))
        default: verdict = ("bad", t("credentials.check.status_list_invalid", outcome.values))
        }
        return Result(kind: verdict.0, verdict: verdict.1, details: details)
    }

    /// What a credential states, as the page's rows.
    func rows(_ statement: SignedStatement, _ language: Language) -> [Row] {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        var rows: [Row] = []
        if let serial = statement.serial { rows.append(Row(label: t("verify.label.serial"), value: serial)) }
        rows.append(Row(label: t("verify.label.holder"), value: statement.holder))
        let hours = statement.hours.map { t("format.hours", ["hours": String(Int($0.rounded()))]) }
        let course = [statement.courseCode, hours].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ", ")
        rows.append(Row(label: t("verify.label.course"), value: statement.title(in: language) + (course.isEmpty ? "" : " (\(course))")))
        if !statement.partner.isEmpty { rows.append(Row(label: t("verify.label.partner"), value: statement.partner)) }
        if let start = statement.sessionStart, let end = statement.sessionEnd {
            rows.append(Row(label: t("verify.label.session"), value: Format.span(start, end, language)))
        }
        if let issued = statement.validFrom { rows.append(Row(label: t("verify.label.issued"), value: Format.day(issued, language))) }
        if let expires = statement.validUntil { rows.append(Row(label: t("verify.label.expires"), value: Format.day(expires, language))) }
        return rows
    }

    /// A pasted credential as read and checked off the request threads.
    enum PastedCredential: Sendable {
        case unreadable(String)
        case notJSON
        case parsed(JSONValue)
    }

    func didDocument() async throws -> Response {
        let text = try await verification.didDocument().serialized()
        return Response(
            status: .ok, headers: [.contentType: "application/did+json", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func profile() async throws -> Response {
        let text = try await verification.issuerProfile().serialized()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func result(_ check: CertificateIssuing.Verification, _ language: Language) -> Result {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { Messages.text(key, language, values) }
        let verdict: (String, String)
        if !check.genuine {
            verdict = ("bad", t("verify.invalid_signature"))
        } else if check.withdrawnKey {
            verdict = ("bad", t("credentials.withdrawn_key"))
        } else {
            switch check.status {
            case .valid: verdict = ("ok", t("verify.valid"))
            case .expired: verdict = ("warn", t("verify.expired"))
            case .revoked:
                // Only that and when: a free-text reason may hold personal data.
                verdict = ("bad", check.revokedOn.map { t("credentials.revoked", ["day": Format.day($0, language)]) } ?? t("credentials.revoked_undated"))
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
