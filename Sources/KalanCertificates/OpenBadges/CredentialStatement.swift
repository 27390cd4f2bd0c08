import Foundation
import KalanCore

/// What a Kalan credential states, read back from its JSON: the current shape (standard terms
/// only) and the older one (Kalan's own context: `serialNumber`, `trainingHours`,
/// `trainingModules`, `nameTranslations`, the partner in `evidence`).
public enum CredentialStatement {
    /// The serial: `serialNumber` (older credentials), else the last path segment of an id
    /// `…/verify/<serial>` (a fragment or query after it is the copy's own, not the serial).
    public static func serial(of document: JSONValue) -> String? {
        if let serial = document["serialNumber"]?.stringValue { return serial }
        guard let id = document["id"]?.stringValue, let range = id.range(of: "/verify/") else { return nil }
        let tail = id[range.upperBound...].prefix { $0 != "#" && $0 != "?" && $0 != "/" }
        return tail.isEmpty ? nil : String(tail)
    }

    /// The holder, course, hours, modules, partner, dates and language a credential states; nil
    /// when it is not shaped as one of Kalan's.
    public static func read(_ document: JSONValue) -> SignedStatement? {
        guard let subject = document["credentialSubject"], let achievement = subject["achievement"] else { return nil }
        let identifiers = subject["identifier"]?.arrayValue ?? []
        guard let holder = identifiers.first(where: { $0["identityType"]?.stringValue == "name" })?["identityHash"]?.stringValue,
            let title = achievement["name"]?.stringValue
        else { return nil }
        let language = Language(code: achievement["inLanguage"]?.stringValue ?? "fr") ?? .fr
        var titles: [String: String] = [language.rawValue: title]
        for related in achievement["related"]?.arrayValue ?? [] {
            if let code = related["inLanguage"]?.stringValue, let name = related["name"]?.stringValue { titles[code] = name }
        }
        if let translations = achievement["nameTranslations"]?.objectValue {
            for key in translations.keys { titles[key] = translations[key]?.stringValue }
        }
        let narrative = achievement["criteria"]?["narrative"]?.stringValue ?? ""
        var modules: [(title: String, hours: Double)] = (achievement["trainingModules"]?.arrayValue ?? []).compactMap { module in
            guard let name = module["name"]?.stringValue else { return nil }
            return (name, module["hours"]?.numberValue ?? 0)
        }
        if achievement["trainingModules"] == nil { modules = Self.modules(inNarrative: narrative) }
        let partner = achievement["creator"]?["name"]?.stringValue ?? document["evidence"]?[0]?["name"]?.stringValue ?? ""
        func day(_ value: JSONValue?) -> Day? { value?.stringValue.flatMap { Day($0.prefix(10)) } }
        var statement = SignedStatement(
            holder: holder, courseTitleFR: titles["fr"], courseTitleEN: titles["en"], courseTitle: title,
            courseCode: achievement["humanCode"]?.stringValue ?? "", hours: achievement["trainingHours"]?.numberValue ?? Self.hours(inNarrative: narrative),
            modules: modules, partner: partner, sessionStart: day(subject["activityStartDate"]), sessionEnd: day(subject["activityEndDate"]),
            language: language)
        statement.serial = serial(of: document)
        statement.validFrom = day(document["validFrom"])
        statement.validUntil = day(document["validUntil"])
        return statement
    }

    /// The module lines of a narrative, `- title (N h)`, as `CertificateText` writes them.
    static func modules(inNarrative narrative: String) -> [(title: String, hours: Double)] {
        narrative.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("- "), line.hasSuffix(" h)"), let open = line.lastIndex(of: "(") else { return nil }
            let title = line[line.index(line.startIndex, offsetBy: 2)..<open].trimmingCharacters(in: .whitespaces)
            let number = line[line.index(after: open)...].dropLast(3)
            guard let hours = Double(number.replacingOccurrences(of: ",", with: ".")), !title.isEmpty else { return nil }
            return (title, hours)
        }
    }

    /// The total hours of a narrative: "(35 heures)" or "(35 hours)".
    static func hours(inNarrative narrative: String) -> Double? {
        for unit in [" heures)", " hours)"] {
            guard let end = narrative.range(of: unit), let open = narrative[..<end.lowerBound].lastIndex(of: "(") else { continue }
            let number = narrative[narrative.index(after: open)..<end.lowerBound]
            if let hours = Double(number.replacingOccurrences(of: ",", with: ".")) { return hours }
        }
        return nil
    }
}
