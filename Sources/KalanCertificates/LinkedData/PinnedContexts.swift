/// The JSON-LD contexts Kalan reads credentials with, compiled in (LinkedData/Contexts, byte for byte
/// the copies in ../shared/conformance/jsonld-contexts): nothing is ever fetched, and any other context
/// URL is refused. Kalan's own former context (`<public URL>/contexts/kalan-v1.jsonld`) is rebuilt from
/// its URL, so that credentials issued with it still expand.
public enum PinnedContexts {
    /// URL → the compiled-in file's bytes.
    public static let files: [String: [UInt8]] = [
        "https://www.w3.org/ns/credentials/v2": PackageResources.credentials_v2_jsonld,
        "https://www.w3.org/2018/credentials/v1": PackageResources.credentials_v1_jsonld,
        "https://www.w3.org/ns/credentials/examples/v2": PackageResources.credentials_examples_v2_jsonld,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": PackageResources.ob_context_3_0_3_json,
        "https://w3id.org/security/data-integrity/v1": PackageResources.data_integrity_v1_jsonld,
        "https://w3id.org/security/data-integrity/v2": PackageResources.data_integrity_v2_jsonld,
        "https://w3id.org/security/multikey/v1": PackageResources.multikey_v1_jsonld,
        "https://w3id.org/security/suites/ed25519-2020/v1": PackageResources.ed25519_signature_2020_v1_jsonld,
        "https://www.w3.org/ns/did/v1": PackageResources.did_v1_jsonld,
    ]

    /// The file name of each pinned URL, to compare with the conformance copies.
    public static let fileNames: [String: String] = [
        "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
        "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
        "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
        "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
        "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
        "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
        "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
        "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    ]

    /// Each pinned file, parsed once.
    static let parsed: [String: JSONValue] = files.compactMapValues { try? JSONValue(parsing: $0) }

    /// The context document at `url`, or nil when it is not pinned.
    public static func document(_ url: String) -> JSONValue? {
        if let document = parsed[url] { return document }
        if url.hasSuffix(kalanContextPath), url.hasPrefix("https://") || url.hasPrefix("http://") { return kalanContext(url: url) }
        return nil
    }

    static let kalanContextPath = "/contexts/kalan-v1.jsonld"

    /// Kalan's own context as every Kalan serves it at `url` (the same definitions as OpenBadges/KalanContext).
    static func kalanContext(url: String) -> JSONValue {
        func term(_ name: String) -> JSONValue { .string("\(url)#\(name)") }
        let security = "https://w3id.org/security#"
        return [
            "@context": [
                "@version": 1.1,
                "@protected": true,
                "serialNumber": ["@id": term("serialNumber")],
                "nameTranslations": ["@id": term("nameTranslations"), "@container": "@language"],
                "trainingHours": ["@id": term("trainingHours")],
                "trainingModules": ["@id": term("trainingModules"), "@container": "@list"],
                "hours": ["@id": term("hours")],
                "Multikey": .string(security + "Multikey"),
                "controller": ["@id": .string(security + "controller"), "@type": "@id"],
                "publicKeyMultibase": ["@id": .string(security + "publicKeyMultibase"), "@type": .string(security + "multibase")],
                "verificationMethod": ["@id": .string(security + "verificationMethod"), "@type": "@id", "@protected": false],
                "assertionMethod": ["@id": .string(security + "assertionMethod"), "@type": "@id", "@container": "@set", "@protected": false],
            ]
        ]
    }
}
