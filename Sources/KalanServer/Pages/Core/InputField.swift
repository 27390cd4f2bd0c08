/// One text input of a hand-laid form (the login, a staff member's form): its label, value,
/// limits and the problem to show beside it.
struct InputField {
    var id, name, label, type, value: String
    var maxlength: Int
    var required: Bool
    var autocomplete, error: String?
}
