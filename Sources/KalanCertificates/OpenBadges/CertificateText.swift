import Foundation

/// The human sentences of a certificate, in its language.
struct CertificateText {
    let facts: CertificateFacts

    private var start: String { RFC3339.dayString(from: facts.sessionStart) }
    private var end: String { RFC3339.dayString(from: facts.sessionEnd) }

    /// 35 → "35", 7.5 → "7.5" (French: "7,5").
    func hours(_ value: Double) -> String {
        let plain = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return facts.isEnglish ? plain : plain.replacingOccurrences(of: ".", with: ",")
    }

    var credentialName: String {
        facts.isEnglish ? "Training certificate: \(facts.title)" : "Certificat de formation : \(facts.title)"
    }

    var credentialDescription: String {
        facts.isEnglish
            ? "Certificate \(facts.serial) awarded to \(facts.traineeFullName) by \(issuerWithArticle)."
            : "Certificat \(facts.serial) délivré à \(facts.traineeFullName) par \(issuerWithArticle)."
    }

    /// "le Ministère de …" in a French sentence, "the Ministry of …" in English; another issuer's name as it is.
    var issuerWithArticle: String {
        let (noun, article) = facts.isEnglish ? ("Ministry", "the ") : ("Ministère", "le ")
        return facts.issuerName.hasPrefix(noun) ? article + facts.issuerName : facts.issuerName
    }

    var achievementDescription: String {
        let modules = facts.modules.map { "\($0.title) (\(hours($0.hours)) h)" }
        if facts.isEnglish {
            return "\(facts.title): a \(hours(facts.hours))-hour course in \(facts.domain)."
                + (modules.isEmpty ? "" : " Modules: " + modules.joined(separator: "; ") + ".")
        }
        return "\(facts.title) : formation de \(hours(facts.hours)) heures en \(facts.domain)."
            + (modules.isEmpty ? "" : " Modules : " + modules.joined(separator: " ; ") + ".")
    }

    var criteriaNarrative: String {
        let list = facts.modules.map { "\n- \($0.title) (\(hours($0.hours)) h)" }.joined()
        if facts.isEnglish {
            return "Attended the full session from \(start) to \(end) (\(hours(facts.hours)) hours), "
                + "delivered with \(facts.partnerName) (\(facts.partnerCountry))" + (list.isEmpty ? "." : ":" + list)
        }
        return "A suivi l’intégralité de la session du \(start) au \(end) (\(hours(facts.hours)) heures). "
            + "Organisme de formation partenaire : \(facts.partnerName) (\(facts.partnerCountry))" + (list.isEmpty ? "." : ". Modules :" + list)
    }

    var partnerDescription: String {
        facts.isEnglish
            ? "Partner institution: delivered the session of \(start) to \(end)."
            : "Institution partenaire : a dispensé la session du \(start) au \(end)."
    }
}
