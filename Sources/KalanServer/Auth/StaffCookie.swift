/// A staff member's session (issue 26): its own cookie, beside an account's `kalan_session`, so
/// that a person who is both staff and HR keeps the two apart and neither ever stands for the other.
enum StaffCookie: SecretCookie {
    static let name = "kalan_staff"
}
