import Foundation
import KalanCertificates
import KalanCore
import OpenAPIRuntime

extension KalanAPI {
    /// `POST /credentials/verification`: a credential checked as the /verify page checks it.
    func verifyCredential(_ input: Operations.VerifyCredential.Input) async throws -> Operations.VerifyCredential.Output {
        guard case .json(let container) = input.body,
            let document = try? JSONValue(parsing: try JSONEncoder().encode(container))
        else { throw KalanError.invalid(field: "credential", problem: .required) }
        let outcome = try await verification.check(document)
        let statement = CredentialStatement.read(document)
        let verdict: Components.Schemas.CredentialVerdict.VerdictPayload
        let key: String
        switch outcome.failure {
        case nil: (verdict, key) = (.valid, "verify.valid")
        case .proof, .unbound, .bindingUnknown: (verdict, key) = (.notGenuine, "verify.invalid_signature")
        case .withdrawnKey: (verdict, key) = (.withdrawnKey, "credentials.withdrawn_key")
        case .revoked where outcome.supersededAt != nil || outcome.replaced: (verdict, key) = (.superseded, "credentials.replaced")
        case .revoked: (verdict, key) = (.revoked, "credentials.revoked_undated")
        case .expired: (verdict, key) = (.expired, "verify.expired")
        case .notYetValid: (verdict, key) = (.notYetValid, "credentials.check.not_yet_valid")
        case .statusOffline: (verdict, key) = (.statusUnknown, "credentials.check.status_offline")
        case .statusUnknown, .statusListInvalid, .statusListExpired: (verdict, key) = (.statusUnknown, "credentials.check.status_list_invalid")
        }
        let genuine = verdict != .notGenuine && verdict != .withdrawnKey
        return .ok(
            .init(
                body: .json(
                    .init(
                        verdict: verdict, message: Messages.text(key, language, outcome.values), serial: genuine ? statement?.serial : nil,
                        holder: genuine ? statement?.holder : nil, courseTitle: genuine ? statement?.title(in: language) : nil,
                        validFrom: genuine ? statement?.validFrom?.description : nil, validUntil: genuine ? statement?.validUntil?.description : nil))))
    }
}
