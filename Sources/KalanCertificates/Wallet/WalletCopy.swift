import Foundation
import KalanCore

/// The copy of a certificate a wallet receives: the stored credential with its own `id`, the
/// subject bound to the wallet's DID, the issuer the ministry's DID, and a new `eddsa-rdfc-2022`
/// proof by the ministry's DID key. Everything else stays as signed (serial, achievement, dates,
/// language, and the same `credentialStatus` entry, so that revoking the certificate revokes
/// every copy).
extension OpenBadgeIssuer: WalletCopySigner {
    public enum WalletCopyError: Error { case notACredential }

    public func walletCopy(of credential: String, holder: String, copyID: String, at: Date) throws -> String {
        guard case var .object(document) = try JSONValue(parsing: credential), document["credentialSubject"]?.objectValue != nil else {
            throw WalletCopyError.notACredential
        }
        document.removeValue(forKey: "proof")
        document["id"] = .string(copyID)
        if case var .object(profile)? = document["issuer"] {
            profile["id"] = .string(did)
            document["issuer"] = .object(profile)
        } else {
            document["issuer"] = .string(did)
        }
        if case var .object(subject)? = document["credentialSubject"] {
            subject.removeValue(forKey: "id")
            document["credentialSubject"] = .object(JSONObject([("id", .string(holder))] + subject.members.map { ($0.key, $0.value) }))
        }
        var signed = try EddsaRdfc2022.sign(document: .object(document), key: key, verificationMethod: keyID, created: RFC3339.string(from: at))
        if let proof = signed["proof"] { signed["proof"] = [proof] }
        return try signed.serialized()
    }
}
