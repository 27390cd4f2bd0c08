/// The longest value each staff-register field takes, in one place: the import, the API (whose
/// openapi.yaml states the same `maxLength`s) and the SQL checks agree with these, and
/// `FieldLimitsTests` compares all of them.
public enum FieldLimits {
    public static let staffNumber = 32
    /// A given or family name.
    public static let name = 100
    public static let category = 2
    public static let position = 200
    public static let department = 32
    public static let email = 200
    public static let phone = 24

    /// A username (`kalan user add`, the login's `username`).
    public static let username = 64
    /// The longest password a login takes, in characters (openapi.yaml's `maxLength`); a password
    /// longer than `passwordBytes` is a wrong password.
    public static let loginPassword = 200
    /// The longest password that can be set, in UTF-8 bytes: bcrypt reads no further than 72.
    public static let passwordBytes = 72

    /// Each limited field of the login by its name in the API.
    public static let login: [String: Int] = ["username": username, "password": loginPassword]

    /// Each limited field by its name in the API.
    public static let trainee: [String: Int] = [
        "staffNumber": staffNumber, "givenName": name, "familyName": name, "category": category, "position": position,
        "department": department, "email": email, "phone": phone,
    ]
}
