import Foundation
import HTTPTypes
import Hummingbird
import KalanCertificates
import KalanCore
import NIOCore

/// The wallets' side of an offer (issue 31): adapters that decode each protocol's messages, check
/// the wallet's proof with KalanCertificates, and call `WalletOffers`. Every refusal is a 4xx JSON
/// answer in the protocol's own form, issuing nothing; a browser that opens one of these URLs
/// gets a short page saying what to do.
///
/// - LCW request link: `POST /wallet/lcw/{offer}` with a bare Verifiable Presentation.
/// - VCALM: `GET /wallet/interactions/{offer}?iuv=1`, then the VC-API exchange `POST /wallet/exchanges/{offer}`.
/// - OpenID4VCI 1.0 (and draft 13): the metadata under `/.well-known/`, `GET /wallet/credential-offers/{offer}`,
///   `POST /wallet/oid4vci/token`, `/nonce`, `/credential`.
struct WalletController<Context: RequestContext>: Sendable {
    let offers: WalletOffers

    static var maxBody: Int { 64 * 1024 }
    static var configurationID: String { "OpenBadgeCredential_ldp_vc" }
    static var preAuthorizedGrant: String { "urn:ietf:params:oauth:grant-type:pre-authorized_code" }

    var publicURL: String { offers.publicURL }
    /// The VC-API exchange's `domain`: the public URL's origin.
    var origin: String {
        guard let components = URLComponents(string: publicURL), let scheme = components.scheme, let host = components.host else { return publicURL }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get(".well-known/openid-credential-issuer") { _, _ in json(issuerMetadata()) }
        router.get(".well-known/oauth-authorization-server") { _, _ in json(authorizationServerMetadata()) }
        router.get("wallet/credential-offers/:offer") { request, context in try await guarded(request) { try await credentialOffer(request, context) } }
        router.post("wallet/oid4vci/token") { request, _ in try await guarded(request, oauth: true) { try await token(request) } }
        router.post("wallet/oid4vci/nonce") { request, _ in
            try await guarded(request, oauth: true) { json(["c_nonce": .string(try await offers.nonce())], headers: [.cacheControl: "no-store"]) }
        }
        router.post("wallet/oid4vci/credential") { request, _ in try await guarded(request, oauth: true) { try await credential(request) } }
        router.post("wallet/lcw/:offer") { request, context in try await guarded(request) { try await lcw(request, context) } }
        router.get("wallet/lcw/:offer") { request, _ in page(request) }
        router.get("wallet/interactions/:offer") { request, context in try await guarded(request) { try await interaction(request, context) } }
        router.get("wallet/exchanges/:offer") { request, _ in page(request) }
        router.post("wallet/exchanges/:offer") { request, context in try await guarded(request) { try await exchange(request, context) } }
    }

    // MARK: - OpenID4VCI

    func issuerMetadata() -> JSONValue {
        func display(_ language: Language) -> JSONValue {
            ["name": .string(Messages.text("wallet.credential_name", language)), "locale": .string(language.rawValue)]
        }
        let displays: JSONValue = [display(.fr), display(.en)]
        return [
            "credential_issuer": .string(publicURL),
            "credential_endpoint": .string("\(publicURL)/wallet/oid4vci/credential"),
            "nonce_endpoint": .string("\(publicURL)/wallet/oid4vci/nonce"),
            "display": [
                ["name": .string(Messages.text("layout.ministry", .fr)), "locale": "fr"], ["name": .string(Messages.text("layout.ministry", .en)), "locale": "en"],
            ],
            "credential_configurations_supported": [
                Self.configurationID: [
                    "format": "ldp_vc",
                    "credential_definition": [
                        "@context": .array(OpenBadgeCredential.context.map(JSONValue.string)),
                        "type": .array(OpenBadgeCredential.types.map(JSONValue.string)),
                    ],
                    "cryptographic_binding_methods_supported": ["did:key"],
                    "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                    "proof_types_supported": ["jwt": ["proof_signing_alg_values_supported": ["EdDSA"]]],
                    // 1.0 puts the display under credential_metadata; draft 13 beside the format.
                    "credential_metadata": ["display": displays], "display": displays,
                ]
            ],
        ]
    }

    func authorizationServerMetadata() -> JSONValue {
        [
            "issuer": .string(publicURL), "token_endpoint": .string("\(publicURL)/wallet/oid4vci/token"),
            "grant_types_supported": .array([.string(Self.preAuthorizedGrant)]), "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["none"], "pre-authorized_grant_anonymous_access_supported": true,
        ]
    }

    func credentialOffer(_ request: Request, _ context: Context) async throws -> Response {
        if !request.wantsJSON, request.headers[.accept]?.contains("text/html") == true { return page(request) }
        let offer = try await offers.open(id: try context.parameters.require("offer"))
        return json([
            "credential_issuer": .string(publicURL), "credential_configuration_ids": [.string(Self.configurationID)],
            "grants": [
                Self.preAuthorizedGrant: [
                    "pre-authorized_code": .string(offer.preAuthorizedCode),
                    "tx_code": ["input_mode": "numeric", "length": 6, "description": .string(Messages.text("wallet.tx_code_description", request.language))],
                ]
            ],
        ])
    }

    /// The token endpoint (RFC 6749 §5 errors): the form's pre-authorized code and transaction code.
    func token(_ request: Request) async throws -> Response {
        let form = Self.formFields(try await Self.body(request))
        guard form["grant_type"] == Self.preAuthorizedGrant else {
            return oauthError(form["grant_type"] == nil ? "invalid_request" : "unsupported_grant_type", "grant_type")
        }
        guard let code = form["pre-authorized_code"] else { return oauthError("invalid_request", "pre-authorized_code") }
        let (outcome, accessToken) = try await offers.token(preAuthorizedCode: code, txCode: form["tx_code"] ?? form["user_pin"])
        switch outcome {
        case .invalidCode: return oauthError("invalid_grant", Messages.text("wallet.error.code_invalid", request.language))
        case .wrongTransactionCode(let remaining):
            return oauthError("invalid_grant", Messages.text("wallet.error.tx_code", request.language, ["remaining": String(remaining)]))
        case .granted:
            // Draft 13's wallets take their first nonce from here.
            let nonce = try await offers.nonce()
            return json(
                [
                    "access_token": .string(accessToken), "token_type": "Bearer", "expires_in": .number(WalletOffers.tokenLifetime),
                    "c_nonce": .string(nonce), "c_nonce_expires_in": .number(WalletOffers.nonceLifetime),
                ], headers: [.cacheControl: "no-store"])
        }
    }

    /// The credential endpoint: 1.0 (`credential_configuration_id`, `proofs.jwt`) or draft 13
    /// (`format` with `credential_definition`, one `proof`), each answered in its own form.
    func credential(_ request: Request) async throws -> Response {
        let language = request.language
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            let offer = try await offers.offer(accessToken: String(authorization.dropFirst("Bearer ".count)))
        else {
            return json(
                ["error": "invalid_token", "error_description": .string(Messages.text("wallet.error.token", language))], status: .unauthorized,
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        let bytes = try await Self.body(request)
        guard case let .object(body)? = try? JSONValue(parsing: Array(bytes.readableBytesView)) else {
            return credentialError("invalid_credential_request", Messages.text("wallet.error.not_json", language))
        }
        let draft13 = body["format"] != nil
        let jwts: [JSONValue]
        if draft13 {
            guard body["format"]?.stringValue == "ldp_vc", Self.namesOpenBadge(body["credential_definition"]) else {
                return credentialError("unsupported_credential_format", Messages.text("wallet.error.configuration", language))
            }
            guard case let .object(proof)? = body["proof"], proof["proof_type"]?.stringValue == "jwt", let jwt = proof["jwt"] else {
                return credentialError("invalid_proof", Messages.text("wallet.error.no_proof", language))
            }
            jwts = [jwt]
        } else {
            guard let configuration = body["credential_configuration_id"]?.stringValue else {
                return credentialError("invalid_credential_request", Messages.text("wallet.error.configuration", language))
            }
            guard configuration == Self.configurationID else {
                return credentialError("unknown_credential_configuration", Messages.text("wallet.error.configuration", language))
            }
            guard body["proof"] == nil, let list = body["proofs"]?["jwt"]?.arrayValue, !list.isEmpty else {
                return credentialError("invalid_proof", Messages.text("wallet.error.no_proof", language))
            }
            jwts = list
        }
        // One key is bound: every proof must verify and name the same holder.
        var holders: Set<String> = []
        for jwt in jwts {
            guard let text = jwt.stringValue else { return credentialError("invalid_proof", Messages.text("wallet.error.proof", language)) }
            switch ProofJWT.verify(text, audience: publicURL, now: offers.now()) {
            case .failure(let why): return credentialError("invalid_proof", Messages.text("wallet.error.proof", language) + " (\(why.rawValue))")
            case .success(let verified):
                guard try await offers.useNonce(verified.nonce) else {
                    return credentialError("invalid_nonce", Messages.text("wallet.error.nonce", language), nonce: draft13 ? try await offers.nonce() : nil)
                }
                holders.insert(verified.holder)
            }
        }
        guard holders.count == 1, let holder = holders.first else { return credentialError("invalid_proof", Messages.text("wallet.error.proof", language)) }
        let credential = try JSONValue(parsing: try await offers.issueCopy(offer: offer, holder: holder, wayIn: draft13 ? .oid4vciDraft13 : .oid4vci))
        if draft13 {
            return json(
                ["credential": credential, "c_nonce": .string(try await offers.nonce()), "c_nonce_expires_in": .number(WalletOffers.nonceLifetime)],
                headers: [.cacheControl: "no-store"])
        }
        return json(["credentials": [["credential": credential]]], headers: [.cacheControl: "no-store"])
    }

    static func namesOpenBadge(_ definition: JSONValue?) -> Bool {
        let types = definition?["type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return types.contains("OpenBadgeCredential") || types.contains("VerifiableCredential")
    }

    // MARK: - LCW request link and VC-API

    /// LCW POSTs a bare presentation signed with the challenge of its request link.
    func lcw(_ request: Request, _ context: Context) async throws -> Response {
        let offer = try await offers.open(id: try context.parameters.require("offer"))
        let body = try await Self.body(request)
        guard let presentation = try? JSONValue(parsing: Array(body.readableBytesView)) else {
            return exchangeError(400, "malformed_presentation", Messages.text("wallet.error.not_json", request.language))
        }
        let holder: String
        switch HolderPresentation.verify(presentation, challenge: offer.challenge, domain: nil, now: offers.now()) {
        case .failure(let why): return exchangeError(400, why.rawValue, Messages.text("wallet.error.presentation", request.language))
        case .success(let did): holder = did
        }
        return try await issued(offer, holder: holder, wayIn: .lcw, wrapped: false)
    }

    /// `GET …?iuv=1`: the protocols a VCALM wallet may follow; a browser gets the page.
    func interaction(_ request: Request, _ context: Context) async throws -> Response {
        guard request.wantsJSON else { return page(request) }
        let offer = try await offers.open(id: try context.parameters.require("offer"))
        let links = offers.links(of: offer)
        return json(["protocols": ["vcapi": .string(links.exchangeUrl), "OID4VCI": .string(links.credentialOfferUrl)]])
    }

    /// The VC-API exchange: `{}` gets the DID authentication request; `{"verifiablePresentation": …}` the credential.
    func exchange(_ request: Request, _ context: Context) async throws -> Response {
        let offer = try await offers.open(id: try context.parameters.require("offer"))
        let bytes = try await Self.body(request)
        guard case let .object(body)? = try? JSONValue(parsing: Array(bytes.readableBytesView)) else {
            return exchangeError(400, "malformed_request", Messages.text("wallet.error.not_json", request.language))
        }
        guard let presentation = body["verifiablePresentation"] else {
            return json([
                "verifiablePresentationRequest": [
                    "query": [["type": "DIDAuthentication", "acceptedMethods": [["method": "key"]]]], "challenge": .string(offer.challenge),
                    "domain": .string(origin),
                ]
            ])
        }
        switch HolderPresentation.verify(presentation, challenge: offer.challenge, domain: origin, now: offers.now()) {
        case .failure(let why): return exchangeError(400, why.rawValue, Messages.text("wallet.error.presentation", request.language))
        case .success(let holder): return try await issued(offer, holder: holder, wayIn: .vcapi, wrapped: true)
        }
    }

    func issued(_ offer: WalletOffer, holder: String, wayIn: WalletWayIn, wrapped: Bool) async throws -> Response {
        let credential = try JSONValue(parsing: try await offers.issueCopy(offer: offer, holder: holder, wayIn: wayIn))
        guard wrapped else { return json(credential) }
        return json([
            "verifiablePresentation": [
                "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "verifiableCredential": [credential],
            ]
        ])
    }

    // MARK: - Answers

    /// A browser on one of the wallet URLs: what to do, in the person's language.
    func page(_ request: Request) -> Response {
        let page = PageRequest(request: request, language: request.language, user: nil, csrf: "")
        return page.message(page.t("wallet.browser.title"), text: page.t("wallet.browser.text"), status: .ok)
    }

    /// Runs `body`, answering the offer's refusals, bodies too large, and the database away in JSON
    /// (OAuth's `error` form for the OpenID4VCI endpoints).
    func guarded(_ request: Request, oauth: Bool = false, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as WalletOffers.Refusal {
            let (code, key): (String, String)
            switch refusal {
            case .unknownOffer: (code, key) = ("unknown_offer", "wallet.error.unknown")
            case .finished(let status): (code, key) = ("offer_\(status.rawValue)", "wallet.error.finished")
            case .certificateNotValid: (code, key) = ("certificate_not_valid", "wallet.error.certificate")
            }
            let text = Messages.text(key, request.language)
            if oauth { return credentialError(code == "unknown_offer" ? "invalid_token" : "invalid_credential_request", text) }
            return exchangeError(code == "unknown_offer" ? 404 : 410, code, text)
        } catch is TooLarge {
            return json(["error": oauth ? "invalid_request" : "too_large", "error_description": "64 KB"], status: .contentTooLarge)
        } catch KalanError.unavailable {
            return json(["error": oauth ? "temporarily_unavailable" : "unavailable"], status: .serviceUnavailable, headers: [.retryAfter: "5"])
        }
    }

    func oauthError(_ code: String, _ description: String) -> Response {
        json(["error": .string(code), "error_description": .string(description)], status: .badRequest, headers: [.cacheControl: "no-store"])
    }

    func credentialError(_ code: String, _ description: String, nonce: String? = nil) -> Response {
        var body: JSONObject = ["error": .string(code), "error_description": .string(description)]
        if let nonce {
            body["c_nonce"] = .string(nonce)
            body["c_nonce_expires_in"] = .number(WalletOffers.nonceLifetime)
        }
        return json(.object(body), status: .badRequest, headers: [.cacheControl: "no-store"])
    }

    /// VC-API's error form: `{"name", "message"}` (with a stable `type` code).
    func exchangeError(_ status: Int, _ code: String, _ message: String) -> Response {
        json(["name": "NotAllowedError", "type": .string(code), "message": .string(message)], status: .init(code: status))
    }

    func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let bytes = (try? value.serializedBytes()) ?? Array("{}".utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A body over 64 KB.
    struct TooLarge: Error {}

    static func body(_ request: Request) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBody { throw TooLarge() }
        do { return try await request.body.collect(upTo: maxBody) } catch { throw TooLarge() }
    }

    /// `application/x-www-form-urlencoded` fields (the first of each name).
    static func formFields(_ buffer: ByteBuffer) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }
}
