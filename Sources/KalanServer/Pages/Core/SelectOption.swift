import KalanCore

/// One `<option>` of a select whose choices are a code type, named from the catalogue.
struct SelectOption {
    var code: String
    var label: String
    var selected: Bool

    /// Every case of `T`, the chosen one selected.
    static func all<T: CatalogueNamed & CaseIterable & Equatable>(_ type: T.Type, chosen: T?, _ language: Language) -> [SelectOption] {
        T.allCases.map { SelectOption(code: $0.rawValue, label: $0.name(in: language), selected: $0 == chosen) }
    }
}
