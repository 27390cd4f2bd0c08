import Foundation
import KalanCore

/// One `<option>` of a select whose choices are a code type, named from the catalogue.
struct SelectOption {
    var code, label: String
    var selected: Bool

    /// Every case of `T`, the chosen one selected.
    static func all<T: CatalogueNamed & CaseIterable & Equatable>(_ type: T.Type, chosen: T?, _ language: Language) -> [SelectOption] {
        T.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0 == chosen) }
    }
}

extension SelectOption {
    /// Every ISO 3166-1 country, named in the page's language (the catalogue's name where it has
    /// one, else the platform's) and sorted by that name; `empty` first for an optional field.
    static func countries(chosen: String?, _ language: Language, empty: String? = nil) -> [SelectOption] {
        let chosen = chosen?.uppercased()
        let locale = Locale(identifier: language.rawValue)
        let named = Self.countryCodes.map { code in
            (code, Messages.optionalText("country.\(code)", language) ?? locale.localizedString(forRegionCode: code) ?? code)
        }
        let sorted = named.sorted { $0.1.compare($1.1, options: [.caseInsensitive, .diacriticInsensitive], locale: locale) == .orderedAscending }
        var options = empty.map { [SelectOption(code: "", label: $0, selected: chosen?.isEmpty ?? true)] } ?? []
        options += sorted.map { SelectOption(code: $0.0, label: $0.1, selected: $0.0 == chosen) }
        // A stored code the list lacks stays selectable, rather than silently changing.
        if let chosen, !chosen.isEmpty, !Self.countryCodes.contains(chosen) { options.append(SelectOption(code: chosen, label: chosen, selected: true)) }
        return options
    }

    /// Two-letter region codes (not the numeric continents).
    static let countryCodes: [String] = Locale.Region.isoRegions.map(\.identifier).filter { code in
        code.utf8.count == 2 && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
