import Foundation

/// Kalan's own JSON-LD context: the terms of its credentials that neither VC 2.0 nor OB 3.0
/// defines, plus the Multikey terms of its issuer profile. Served by every Kalan at
/// `<public URL>/contexts/kalan-v1.jsonld` and listed last in every credential's `@context`.
///
/// Term IRIs live under the context's own URL (`…/kalan-v1.jsonld#serialNumber`), so the
/// document names itself; the Multikey terms map to the W3C security vocabulary as the
/// Controlled Identifiers context does (the issuer profile's `verificationMethod` and `assertionMethod`
/// too, which OB 3.0 does not define for a Profile). The context is protected: nothing later may
/// redefine Kalan's terms.
public enum KalanContext {
    public static let path = "/contexts/kalan-v1.jsonld"

    /// The context's URL for a Kalan served at `base` (its public URL).
    public static func url(base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// The context for the issuer `issuerId` = `<base>/issuer`; another form names the folder above it.
    public static func url(issuerId: String) -> String {
        let trimmed = issuerId.hasSuffix("/") ? String(issuerId.dropLast()) : issuerId
        guard let slash = trimmed.lastIndex(of: "/") else { return url(base: trimmed) }
        return url(base: String(trimmed[..<slash]))
    }

    /// The context document served at `url`.
    public static func document(url: String) -> JSONValue {
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
                // Not protected: a proof's type-scoped context (VC 2.0's DataIntegrityProof) defines them again.
                "verificationMethod": ["@id": .string(security + "verificationMethod"), "@type": "@id", "@protected": false],
                "assertionMethod": ["@id": .string(security + "assertionMethod"), "@type": "@id", "@container": "@set", "@protected": false],
            ]
        ]
    }
}
