import Foundation
import Hummingbird
import KalanCore

extension PageRequest {
    /// A form sent to this page, decoded into `Input` (see `URLEncodedForm.decode`), after the same
    /// checks as `form()`: same origin, size cap, this session's token (an expired session keeps
    /// the raw fields to offer them again after login).
    func form<Input: Decodable>(as type: Input.Type, upTo limit: Int = 256 * 1024) async throws -> Input {
        try await form(upTo: limit).decode(Input.self)
    }
}

extension URLEncodedForm {
    /// The form decoded into `Input` with Hummingbird's `URLEncodedFormDecoder`. A group of
    /// checkboxes, sent as `name.CODE` (a name may not be given twice in a form), reads as the
    /// array `name` of the checked codes. A missing field is refused as required, a number that is
    /// not one as such (`WholeNumber`), both naming the field; a form whose shape is not one of
    /// Kalan's (a list where a text is expected) is answered as a stale form, never with a
    /// decoder's own words.
    func decode<Input: Decodable>(_ type: Input.Type) throws -> Input {
        do {
            return try URLEncodedFormDecoder().decode(Input.self, from: decoderText)
        } catch let error as KalanError {
            throw error
        } catch DecodingError.keyNotFound(let key, let context) {
            throw KalanError.invalid(field: (context.codingPath.first ?? key).stringValue, problem: .required)
        } catch DecodingError.valueNotFound(_, let context) where !context.codingPath.isEmpty {
            throw KalanError.invalid(field: context.codingPath[0].stringValue, problem: .required)
        } catch {
            throw PageError.foreignForm
        }
    }

    /// The fields written again for the decoder: `name.CODE` becomes `name[]=CODE`.
    var decoderText: String {
        func encode(_ text: some StringProtocol) -> String {
            String(text).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_~"))) ?? ""
        }
        return all.map { name, value in
            if let dot = name.firstIndex(of: ".") {
                return "\(encode(name[..<dot]))[]=\(encode(name[name.index(after: dot)...]))"
            }
            return "\(encode(name))=\(encode(value))"
        }.joined(separator: "&")
    }
}

/// A whole number typed in a form field: surrounding spaces are ignored; a blank field is `nil`
/// for an `Int?` and refused as required for an `Int`; anything else that does not read as a
/// whole number is refused naming the field. (The decoder's own `Int` names no field when it
/// fails, hence this wrapper for every number of a form.)
@propertyWrapper
struct WholeNumber<Value: WholeNumberField>: Decodable, Sendable {
    var wrappedValue: Value

    init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let field = decoder.codingPath.first?.stringValue ?? ""
        let text = ((try? decoder.singleValueContainer().decode(String.self)) ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            wrappedValue = try Value(formNumber: nil, field: field)
            return
        }
        guard let number = Int(text) else { throw KalanError.invalid(field: field, problem: .format(.wholeNumber)) }
        wrappedValue = try Value(formNumber: number, field: field)
    }
}

/// What `WholeNumber` may hold: `Int` (required) or `Int?`.
protocol WholeNumberField: Sendable {
    init(formNumber: Int?, field: String) throws
}

extension Int: WholeNumberField {
    init(formNumber: Int?, field: String) throws {
        guard let formNumber else { throw KalanError.invalid(field: field, problem: .required) }
        self = formNumber
    }
}

extension Optional: WholeNumberField where Wrapped == Int {
    init(formNumber: Int?, field: String) { self = formNumber }
}
