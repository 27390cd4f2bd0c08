import Foundation

/// A staff member's session (issue 26): its own cookie, beside an account's `kalan_session`, so
/// that a person who is both staff and HR keeps the two apart and neither ever stands for the other.
enum StaffCookie {
    static let name = "kalan_staff"

    static func set(secret: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

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
