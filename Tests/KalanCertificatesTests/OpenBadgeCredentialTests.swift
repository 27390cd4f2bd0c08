import Crypto
import Foundation
import KalanCertificates
import KalanCore
import Testing

@Suite struct OpenBadgeCredentialTests {
    let salt = "5f2b9c0e41d7a3a8"

    func document(language: String = "fr", expiresAt: Date? = CertificateFixtures.day(2031, 11, 24)) throws -> JSONValue {
        try OpenBadgeCredential(facts: CertificateFixtures.facts(language: language, expiresAt: expiresAt), identitySalt: salt).document
    }

    @Test func isAVerifiableCredential2ShapedAsAnOpenBadgeCredential() throws {
        let credential = try document()
        // The standard contexts only: a verifier that loads nothing else reads every term.
        #expect(credential["@context"] == ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"])
        #expect(credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"])
        #expect(credential["id"] == "urn:uuid:6f1d2c3b-4a5e-4f60-8b7c-1d2e3f405162")
        #expect(credential["issuer"]?["id"] == "https://kalan.example/issuers/ministere-sante")
        #expect(credential["issuer"]?["type"] == ["Profile"])
        #expect(credential["issuer"]?["name"] == "Ministère de la Santé et du Développement social")
        #expect(credential["issuer"]?["image"]?["type"] == "Image")
        #expect(credential["issuer"]?["image"]?["id"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true)
        #expect(credential["name"] == "Certificat de formation : Épidémiologie de terrain")
        #expect(credential["serialNumber"] == nil, "no term of Kalan's own context")
        #expect(
            credential["description"]
                == "Certificat KLN-2026-000123 délivré à Aïssata TRAORÉ par le Ministère de la Santé et du Développement social.")
    }

    @Test func validityDatesAreRFC3339UTCAndVC2Only() throws {
        let credential = try document()
        #expect(credential["validFrom"] == "2026-11-24T00:00:00Z")
        #expect(credential["issuanceDate"] == nil, "issuanceDate is VC 1.1")
        #expect(credential["validUntil"] == "2031-11-24T00:00:00Z")
        #expect(credential["expirationDate"] == nil, "expirationDate is VC 1.1")
        let withoutExpiry = try document(expiresAt: nil)
        #expect(withoutExpiry["validUntil"] == nil)
        #expect(withoutExpiry["expirationDate"] == nil)
    }

    @Test func subjectIdentifiesTheTraineeBySaltedEmailHashAndNameNeverTheStaffNumber() throws {
        let subject = try #require(try document()["credentialSubject"])
        #expect(subject["type"] == ["AchievementSubject"])
        #expect(subject["activityStartDate"] == "2026-10-05T00:00:00Z")
        #expect(subject["activityEndDate"] == "2026-10-09T00:00:00Z")
        let hashed = try #require(subject["identifier"]?[0])
        // OB 3.0: sha256$ + hex(SHA-256(e-mail + salt)); the e-mail trimmed and lower-cased.
        let expectedHash = "sha256$" + hexString(SHA256.hash(data: Array(("aissata.traore@sante.gouv.ml" + salt).utf8)))
        #expect(
            hashed == [
                "type": "IdentityObject", "identityHash": .string(expectedHash), "identityType": "emailAddress",
                "hashed": true, "salt": .string(salt),
            ])
        #expect(
            subject["identifier"]?[1] == [
                "type": "IdentityObject", "identityHash": "Aïssata TRAORÉ", "identityType": "name", "hashed": false,
            ])
        let serialised = try subject.serialized()
        #expect(!serialised.contains("MAT-004512") && !serialised.lowercased().contains("aissata.traore"))
    }

    @Test func withoutAnEmailTheSubjectIsNamedOnly() throws {
        var facts = CertificateFixtures.facts()
        facts.traineeEmail = nil
        let subject = try #require(try OpenBadgeCredential(facts: facts, identitySalt: salt).document["credentialSubject"])
        #expect(subject["identifier"]?.arrayValue?.count == 1)
        #expect(subject["identifier"]?[0]?["identityType"] == "name")
    }

    @Test func achievementDescribesTheCourseModulesAndHoursInStandardTerms() throws {
        let achievement = try #require(try document()["credentialSubject"]?["achievement"])
        #expect(achievement["id"] == "https://kalan.example/issuers/ministere-sante/achievements/SP-EPI-101")
        #expect(achievement["type"] == ["Achievement"])
        #expect(achievement["achievementType"] == "Course")
        #expect(achievement["humanCode"] == "SP-EPI-101")
        #expect(achievement["fieldOfStudy"] == "Santé publique")
        #expect(achievement["name"] == "Épidémiologie de terrain")
        #expect(achievement["inLanguage"] == "fr")
        #expect(achievement["nameTranslations"] == nil && achievement["trainingHours"] == nil && achievement["trainingModules"] == nil)
        // The English title: a related achievement in English.
        #expect(
            achievement["related"]?[0] == [
                "id": "https://kalan.example/issuers/ministere-sante/achievements/SP-EPI-101?lang=en", "type": ["Related"], "inLanguage": "en",
                "name": "Field epidemiology",
            ])
        // The partner institution: the achievement's creator.
        #expect(achievement["creator"]?["name"] == "Université Cheikh Anta Diop")
        #expect(achievement["creator"]?["type"] == ["Profile"])
        #expect(achievement["creator"]?["address"]?["addressCountryCode"] == "SN")
        #expect(achievement["image"]?["type"] == "Image")
        let narrative = try #require(achievement["criteria"]?["narrative"]?.stringValue)
        #expect(narrative.contains("du 2026-10-05 au 2026-10-09 (35 heures)"))
        #expect(narrative.contains("- Surveillance épidémiologique (14 h)"))
        #expect(achievement["description"]?.stringValue?.contains("formation de 35 heures en Santé publique") == true)
    }

    @Test func whatTheCredentialStatesIsReadBackFromItsStandardTerms() throws {
        var facts = CertificateFixtures.facts()
        facts.credentialId = "https://kalan.example/verify/KLN-2026-000123#copy-1"
        let statement = try #require(CredentialStatement.read(try OpenBadgeCredential(facts: facts, identitySalt: salt).document))
        #expect(statement.serial == "KLN-2026-000123")
        #expect(statement.holder == "Aïssata TRAORÉ")
        #expect(statement.courseTitleFR == "Épidémiologie de terrain" && statement.courseTitleEN == "Field epidemiology")
        #expect(statement.hours == 35)
        #expect(statement.modules.map(\.title) == ["Surveillance épidémiologique", "Investigation d’épidémie", "Analyse de données"])
        #expect(statement.modules.map(\.hours) == [14, 14, 7])
        #expect(statement.partner == "Université Cheikh Anta Diop")
        #expect(statement.validFrom?.description == "2026-11-24" && statement.validUntil?.description == "2031-11-24")
    }

    @Test func englishCredentialUsesTheEnglishTitleAndText() throws {
        let credential = try document(language: "en")
        #expect(credential["name"] == "Training certificate: Field epidemiology")
        #expect(credential["credentialSubject"]?["achievement"]?["name"] == "Field epidemiology")
        #expect(credential["credentialSubject"]?["achievement"]?["inLanguage"] == "en")
        #expect(credential["credentialSubject"]?["achievement"]?["creator"]?["description"]?.stringValue?.hasPrefix("Partner institution") == true)
        #expect(credential["credentialSubject"]?["achievement"]?["related"]?[0]?["inLanguage"] == "fr")
    }

    @Test func issuedCredentialVerifiesAndAnyEditBreaksIt() throws {
        let key = Ed25519SigningKey.generate()
        let credential = try OpenBadgeCredential(facts: CertificateFixtures.facts(), identitySalt: salt)
        let signed = try credential.signed(with: key, verificationMethod: key.didKeyVerificationMethod)
        #expect(signed["proof"]?[0]?["created"] == "2026-11-24T00:00:00Z")
        #expect(signed["proof"]?.arrayValue?.count == 1)
        #expect(DataIntegrity.verify(signed, publicKey: key.publicKey).isVerified)
        var edited = signed
        edited["credentialSubject"]?["achievement"]?["humanCode"] = "SP-EPI-999"
        #expect(DataIntegrity.verify(edited, publicKey: key.publicKey) == .failed(.badSignature))
    }

    @Test func randomSaltDiffersBetweenCredentials() throws {
        let first = try OpenBadgeCredential(facts: CertificateFixtures.facts())
        let second = try OpenBadgeCredential(facts: CertificateFixtures.facts())
        #expect(first.identitySalt != second.identitySalt)
        #expect(first.traineeIdentityHash != second.traineeIdentityHash)
    }

    @Test func factsThatCannotMakeAValidCredentialAreRefused() {
        var facts = CertificateFixtures.facts()
        facts.credentialId = "KLN-2026-000123"
        #expect(throws: CertificateFactsError.invalidCredentialId) { try OpenBadgeCredential(facts: facts) }
        facts = CertificateFixtures.facts()
        facts.issuerId = "ministere-sante"
        #expect(throws: CertificateFactsError.invalidIssuerId) { try OpenBadgeCredential(facts: facts) }
        facts = CertificateFixtures.facts()
        facts.sessionEnd = CertificateFixtures.day(2026, 10, 1)
        #expect(throws: CertificateFactsError.sessionEndsBeforeItStarts) { try OpenBadgeCredential(facts: facts) }
        facts = CertificateFixtures.facts(expiresAt: CertificateFixtures.day(2026, 11, 24))
        #expect(throws: CertificateFactsError.expiryNotAfterIssue) { try OpenBadgeCredential(facts: facts) }
        facts = CertificateFixtures.facts()
        facts.traineeFamilyName = " "
        #expect(throws: CertificateFactsError.missingField("traineeFamilyName")) { try OpenBadgeCredential(facts: facts) }
        facts = CertificateFixtures.facts()
        facts.credentialId = "https://kalan.example/credentials/KLN-2026-000123"
        #expect((try? OpenBadgeCredential(facts: facts)) != nil)
    }

    @Test func rfc3339FormatsUTCWholeSecondsAcrossEras() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_795_564_799.9)) == "2026-11-24T23:59:59Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.string(from: RFC3339.date(year: 2028, month: 2, day: 29)!) == "2028-02-29T00:00:00Z")
        #expect(RFC3339.date(year: 2026, month: 2, day: 29) == nil)
    }
}
