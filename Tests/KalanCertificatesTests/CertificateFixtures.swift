import Foundation
import KalanCertificates

/// Certificate facts as Kalan would hand them over, in both languages.
enum CertificateFixtures {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Date {
        RFC3339.date(year: year, month: month, day: day)!
    }

    static func facts(language: String = "fr", expiresAt: Date? = day(2031, 11, 24)) -> CertificateFacts {
        CertificateFacts(
            serial: "KLN-2026-000123",
            credentialId: "urn:uuid:6f1d2c3b-4a5e-4f60-8b7c-1d2e3f405162",
            issuerId: "https://kalan.example/issuers/ministere-sante",
            issuerName: "Ministère de la Santé et du Développement social",
            partnerName: "Université Cheikh Anta Diop",
            partnerCountry: "Sénégal",
            partnerCountryCode: "SN",
            partnerId: "urn:uuid:0b7e1d52-8d0c-4f2e-9a51-3c1f0e2d4b6a",
            traineeGivenName: "Aïssata",
            traineeFamilyName: "TRAORÉ",
            traineeEmail: "Aissata.Traore@sante.gouv.ml",
            courseCode: "SP-EPI-101",
            titleFrench: "Épidémiologie de terrain",
            titleEnglish: "Field epidemiology",
            domain: "Santé publique",
            hours: 35,
            modules: [
                .init(title: "Surveillance épidémiologique", hours: 14),
                .init(title: "Investigation d’épidémie", hours: 14),
                .init(title: "Analyse de données", hours: 7),
            ],
            sessionStart: day(2026, 10, 5),
            sessionEnd: day(2026, 10, 9),
            issuedAt: day(2026, 11, 24),
            expiresAt: expiresAt,
            language: language
        )
    }
}
