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

    func addRoutes(to router: Router<Context>) {
        router.get("verify") { request, _ in
            // The serial form submits by GET; send it to the serial's own page.
            if let serial = request.uri.queryParameters.get("serial")?.trimmingCharacters(in: .whitespaces), !serial.isEmpty,
                let path = serial.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.")))
            {
                return Response(status: .seeOther, headers: [.location: "/verify/\(path)?lang=\(request.language.rawValue)"])
            }
            return form(request.language)
        }
        router.get("verify/:serial") { request, context in try await page(request, context) }
        router.post("verify") { request, _ in try await pasted(request) }
        router.get("issuer") { _, _ in try await profile() }
    }

    func page(_ request: Request, _ context: Context) async throws -> Response {
        let serial = try context.parameters.require("serial")
        if request.wantsJSON { return try await json(request, context) }
        let language = request.language
        let fr = language == .fr
        guard serial.utf8.count <= 64, let check = try await issuing.verify(serial: serial, language: language) else {
            return HTML.page(
                title: fr ? "Certificat inconnu" : "Unknown certificate", language: language,
                body:
                    "<div class=\"card\"><p class=\"verdict bad\">\(fr ? "Aucun certificat ne porte ce numéro" : "No certificate has this number") : \(HTML.escape(String(serial.prefix(64))))</p>\(formBody(language))</div>",
                status: .notFound)
        }
        return HTML.page(title: check.serial, language: language, body: "<div class=\"card\">\(verdict(check, language))\(details(check, language))</div>")
    }

    func json(_ request: Request, _ context: Context) async throws -> Response {
        let serial = try context.parameters.require("serial")
        let language = request.language
        guard serial.utf8.count <= 64, let check = try await issuing.verify(serial: serial, language: language) else {
            return Problem(
                type: "/problems/not-found", title: language == .fr ? "Certificat inconnu" : "Unknown certificate", status: 404,
                detail: language == .fr ? "Aucun certificat ne porte ce numéro." : "No certificate has this serial number."
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
        let fr = language == .fr
        let body = try await request.body.collect(upTo: 256 * 1024)
        let text: String
        let contentType = request.headers[.contentType] ?? ""
        if MultipartForm.boundary(in: contentType) != nil {
            do {
                let multipart = try MultipartForm.parse(body: Array(body.readableBytesView), contentType: contentType)
                // An uploaded file wins over the text area.
                text = multipart.text("file") ?? multipart.text("credential") ?? ""
            } catch {
                return HTML.page(
                    title: fr ? "Vérification" : "Verification", language: language,
                    body: "<div class=\"card\"><p class=\"verdict bad\">\(fr ? "Envoi illisible" : "Unreadable upload") : \(HTML.escape(error.description))</p>\(formBody(language))</div>",
                    status: .badRequest)
            }
        } else {
            text = URLEncodedForm(String(buffer: body))["credential"] ?? ""
        }
        guard let document = try? JSONValue(parsing: text) else {
            return HTML.page(
                title: fr ? "Vérification" : "Verification", language: language,
                body: "<div class=\"card\"><p class=\"verdict bad\">\(fr ? "credential : ce n'est pas un document JSON" : "credential: not a JSON document")</p>\(formBody(language))</div>",
                status: .badRequest)
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
        var html = ""
        if ours, let serial = serialOf(document), let check = try await issuing.verify(serial: serial, language: language) {
            html = verdict(check, language) + details(check, language)
        } else {
            let why = result.failure?.rawValue ?? (fr ? "clé inconnue de ce ministère" : "key unknown to this ministry")
            html = "<p class=\"verdict bad\">\(fr ? "Non authentique" : "Not genuine") (\(HTML.escape(why)))</p>"
        }
        return HTML.page(title: fr ? "Vérification" : "Verification", language: language, body: "<div class=\"card\">\(html)</div>\(formBody(language))")
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

    func form(_ language: Language) -> Response {
        HTML.page(title: language == .fr ? "Vérifier un certificat" : "Verify a certificate", language: language, body: "<div class=\"card\">\(formBody(language))</div>")
    }

    func formBody(_ language: Language) -> String {
        let fr = language == .fr
        return """
            <h1>\(fr ? "Vérifier un certificat" : "Verify a certificate")</h1>
            <form method="get" action="/verify"><input type="hidden" name="lang" value="\(language.rawValue)">
            <label for="serial">\(fr ? "Numéro du certificat" : "Certificate number")</label>
            <input id="serial" name="serial" placeholder="MCENMA-2026-000001" maxlength="64">
            <button>\(fr ? "Vérifier" : "Verify")</button></form>
            <form method="post" action="/verify?lang=\(language.rawValue)" enctype="multipart/form-data">
            <label for="file">\(fr ? "… ou déposez le certificat électronique (fichier JSON)" : "… or upload the digital credential (JSON file)")</label>
            <input id="file" name="file" type="file" accept=".json,application/json,application/ld+json">
            <label for="credential">\(fr ? "… ou collez-le ici" : "… or paste it here")</label>
            <textarea id="credential" name="credential"></textarea>
            <button>\(fr ? "Vérifier la signature" : "Check the signature")</button></form>
            """
    }

    func verdict(_ check: CertificateIssuing.Verification, _ language: Language) -> String {
        let fr = language == .fr
        guard check.genuine else { return "<p class=\"verdict bad\">\(fr ? "Signature non valide : certificat non authentique" : "Invalid signature: not genuine")</p>" }
        switch check.status {
        case .valid: return "<p class=\"verdict ok\">✓ \(fr ? "Certificat authentique et valide" : "Genuine and valid certificate")</p>"
        case .expired: return "<p class=\"verdict warn\">\(fr ? "Certificat authentique mais expiré" : "Genuine certificate, expired")</p>"
        case .revoked:
            let when = check.revokedOn.map { " (\($0))" } ?? ""
            return "<p class=\"verdict bad\">\(fr ? "Certificat révoqué" : "Certificate revoked")\(when)\(fr ? " : " : ": ")\(HTML.escape(check.revocationReason ?? ""))</p>"
        }
    }

    func details(_ check: CertificateIssuing.Verification, _ language: Language) -> String {
        let fr = language == .fr
        let rows: [(String, String)] =
            [
                (fr ? "Numéro" : "Serial", check.serial), (fr ? "Titulaire" : "Holder", check.holder),
                (fr ? "Formation" : "Course", "\(check.courseTitle) (\(check.courseCode), \(check.hours) h)"), (fr ? "Partenaire" : "Partner", check.partner),
                (fr ? "Session" : "Session", "\(check.sessionStart) → \(check.sessionEnd)"), (fr ? "Délivré le" : "Issued on", "\(check.issuedOn)"),
            ] + (check.expiresOn.map { [(fr ? "Expire le" : "Expires on", "\($0)")] } ?? [])
        return "<dl>" + rows.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined() + "</dl>"
    }
}
