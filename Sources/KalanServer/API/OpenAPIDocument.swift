import Foundation
import Yams

/// openapi.yaml as compiled into the binary (SwiftPM `.embedInCode`; the OpenAPI generator reads
/// the same file to generate the routes), and its JSON form, converted once on first use.
enum OpenAPIDocument {
    static let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)

    /// YAML's null, booleans and numbers, as JSON has them; no timestamps or merge keys.
    static let resolver = Resolver.default.removing(.timestamp).removing(.merge).removing(.value)

    static let json: String = {
        guard let object = try? Yams.load(yaml: yaml, resolver), JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }()
}
