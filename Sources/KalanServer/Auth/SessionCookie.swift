import Foundation
import HTTPTypes

/// A session secret in an HttpOnly, SameSite=Strict cookie (Secure when Kalan is published over
/// HTTPS), stored hashed like an API token: the account's and the staff member's cookies differ
/// only by name.
protocol SecretCookie {
    static var name: String { get }
}

extension SecretCookie {
    static func set(secret: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session secret of a `Cookie` header, if any.
    static func value(in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}

/// The browser's web session of an account.
enum SessionCookie: SecretCookie {
    static let name = "kalan_session"
}

extension HTTPRequest {
    /// True when the request has no Origin header (not a browser's cross-site form or fetch) or
    /// one whose host is the request's own: what cookie-authenticated changes must be.
    var isSameOrigin: Bool {
        guard let origin = headerFields[.origin] else { return true }
        guard let host = authority, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}
