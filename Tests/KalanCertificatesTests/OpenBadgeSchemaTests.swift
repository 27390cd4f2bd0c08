import Foundation
import KalanCertificates
import Subprocess
import SystemPackage
import Testing

/// Validates credentials against the 1EdTech OB 3.0 JSON schemas with Python's `jsonschema`.
/// A missing python3 or jsonschema makes these tests fail, never pass silently.
@Suite struct OpenBadgeSchemaTests {
    static let datedSchema = "openbadges-3.0/achievementcredential.schema.gh-pages-2024-03-04.json"
    static let latestSchema = "openbadges-3.0/achievementcredential.schema.gh-pages-latest.json"

    static let validatorScript = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        document = json.load(open(sys.argv[2], encoding="utf-8"))
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(document), key=lambda e: e.json_path)
        for error in errors:
            print(error.json_path, error.message)
        sys.exit(1 if errors else 0)
        """

    /// Runs the validator; returns its exit status and output.
    static func validate(_ credential: JSONValue, schema: String) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kalan-ob3-\(UUID().uuidString).json")
        try Data(try credential.serializedBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Subprocess.run(
            .path(FilePath("/usr/bin/env")), arguments: ["python3", "-c", validatorScript, ConformanceData.url(schema).path, file.path],
            input: .none, output: .string(limit: 1 << 20), error: .combinedWithOutput)
        let status: Int32 =
            switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        return (status, result.standardOutput)
    }

    static func issuedCredential(language: String, expiresAt: Date?) throws -> JSONValue {
        let credential = try OpenBadgeCredential(facts: CertificateFixtures.facts(language: language, expiresAt: expiresAt))
        let key = Ed25519SigningKey.generate()
        return try credential.signed(with: key, verificationMethod: key.didKeyVerificationMethod)
    }

    /// The current (VC 2.0) schema only: the dated one is the VC 1.1 form, which requires `issuanceDate`.
    @Test(arguments: [latestSchema], ["fr", "en"])
    func issuedCredentialIsValidAgainstTheOB3Schema(schema: String, language: String) async throws {
        let credential = try Self.issuedCredential(language: language, expiresAt: CertificateFixtures.day(2031, 11, 24))
        let result = try await Self.validate(credential, schema: schema)
        #expect(result.status == 0, "\(schema) rejected the credential: \(result.output)")
    }

    @Test(arguments: [latestSchema])
    func credentialWithoutExpiryIsValidAgainstTheOB3Schema(schema: String) async throws {
        let credential = try Self.issuedCredential(language: "fr", expiresAt: nil)
        let result = try await Self.validate(credential, schema: schema)
        #expect(result.status == 0, "\(schema) rejected the credential: \(result.output)")
    }

    @Test func validatorReallyRunsAndRejectsACredentialMissingRequiredDates() async throws {
        var credential = try Self.issuedCredential(language: "fr", expiresAt: nil)
        credential["issuanceDate"] = nil
        credential["validFrom"] = nil
        for schema in [Self.datedSchema, Self.latestSchema] {
            let result = try await Self.validate(credential, schema: schema)
            #expect(result.status == 1, "expected a schema error, got \(result.status): \(result.output)")
            #expect(result.output.contains("is a required property"))
        }
    }
}
