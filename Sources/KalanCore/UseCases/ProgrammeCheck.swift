import Foundation

extension Register.ProgrammeInput {
    /// A programme's fields checked once, for its creation and its edit alike: names, period,
    /// domains, target. The code is checked only when it is new (an edit keeps it).
    func checkedProgramme(code: String) throws -> Programme {
        let nameFR = try Validate.required(nameFR, field: "name_fr")
        let start = try Validate.day(startsOn, field: "starts_on"), end = try Validate.day(endsOn, field: "ends_on")
        try Validate.period(start, end, endField: "ends_on", startField: "starts_on")
        return Programme(
            code: code, nameFR: nameFR, nameEN: try Validate.text(nameEN, field: "name_en", required: false) ?? nameFR,
            startsOn: start, endsOn: end, domains: try domains.map { try Validate.domain($0, field: "domains") },
            targetTrainees: try Validate.integer(targetTrainees, field: "target_trainees", in: 0...1_000_000))
    }

    /// The partners named by their codes, each once, in the order given.
    func partnerIDs(in work: any KalanUnitOfWork) async throws -> [UUID] {
        var ids: [UUID] = []
        for code in partnerCodes {
            guard let partner = try await work.partner(code: code.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "partners", problem: .unknownReference(code))
            }
            if !ids.contains(partner.id) { ids.append(partner.id) }
        }
        return ids
    }
}
