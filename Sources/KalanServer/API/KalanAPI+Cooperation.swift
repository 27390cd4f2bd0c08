import Foundation
import KalanCore
import OpenAPIRuntime

/// Partners' offers over the API, by the same use case as /offers and `kalan offers`.
extension KalanAPI {
    func listOffers(_ input: Operations.ListOffers.Input) async throws -> Operations.ListOffers.Output {
        let offers = try await OfferPlaces(repository: repository, clock: clock).list(actor: actor)
        return .ok(.init(body: .json(.init(items: offers.map(Self.schema)))))
    }

    func createOffer(_ input: Operations.CreateOffer.Input) async throws -> Operations.CreateOffer.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.headers.idempotencyKey, "Idempotency-Key", min: 1, max: 100)
        for (value, field, min, max) in [
            (body.code, "code", 1, 32), (body.partner, "partner", 1, 32), (body.course, "course", 1, 32), (body.title, "title", 1, 200),
            (body.country, "country", 2, 2),
        ] {
            try ContractLimits.text(value, field, min: min, max: max)
        }
        try ContractLimits.text(body.city, "city", max: 100)
        let offer = try await OfferPlaces(repository: repository, clock: clock).create(
            OfferInput(
                code: body.code, partner: body.partner, course: body.course, title: body.title, city: body.city, country: body.country,
                places: body.places, startsOn: body.startsOn, endsOn: body.endsOn, deadline: body.deadline, releaseOn: body.releaseOn,
                partnerPays: (body.partnerPays ?? []).map(\.rawValue)),
            actor: actor)
        return .created(.init(body: .json(Self.schema(offer))))
    }

    func releaseDueOffers(_ input: Operations.ReleaseDueOffers.Input) async throws -> Operations.ReleaseDueOffers.Output {
        let released = try await OfferPlaces(repository: repository, clock: clock).releaseDue(actor: actor)
        return .ok(.init(body: .json(.init(released: released))))
    }

    func shareOffer(_ input: Operations.ShareOffer.Input) async throws -> Operations.ShareOffer.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 32)
        try ContractLimits.text(body.department, "department", min: 1, max: 32)
        let offer = try await OfferPlaces(repository: repository, clock: clock).share(
            offerCode: input.path.code, departmentCode: body.department, places: body.places, actor: actor)
        return .ok(.init(body: .json(Self.schema(offer))))
    }

    func createOfferSession(_ input: Operations.CreateOfferSession.Input) async throws -> Operations.CreateOfferSession.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 32)
        try ContractLimits.text(body.session, "session", min: 1, max: 40)
        let offers = OfferPlaces(repository: repository, clock: clock)
        let session = try await offers.createSession(offerCode: input.path.code, sessionCode: body.session, actor: actor)
        let offer = try await offers.offer(code: input.path.code, actor: actor)
        return .created(.init(body: .json(Self.schema(session, offer.courseCode))))
    }

    static func schema(_ o: Offer) -> Components.Schemas.Offer {
        .init(
            code: o.code, partner: o.partnerCode, partnerName: o.partnerName, course: o.courseCode, title: o.title, city: o.city, country: o.country,
            places: o.places, startsOn: "\(o.startsOn)", endsOn: "\(o.endsOn)", deadline: "\(o.deadline)", releaseOn: "\(o.releaseOn)",
            partnerPays: o.partnerPays.compactMap { .init(rawValue: $0.rawValue) }, released: o.releasedAt != nil, releasedAt: o.releasedAt,
            shares: o.shares.map { .init(department: $0.departmentCode, places: $0.places, taken: $0.taken, free: $0.free) }, sessions: o.sessionCodes)
    }
}

/// One file abroad and its changes over the API, by the same use case as /abroad and `kalan abroad`.
extension KalanAPI {
    func openAbroadFile(_ input: Operations.OpenAbroadFile.Input) async throws -> Operations.OpenAbroadFile.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.headers.idempotencyKey, "Idempotency-Key", min: 1, max: 100)
        try ContractLimits.text(body.session, "session", min: 1, max: 40)
        try ContractLimits.text(body.staffNumber, "staffNumber", min: 1, max: 32)
        try ContractLimits.text(body.authorisationNumber, "authorisationNumber", max: 60)
        let files = AbroadFiles(repository: repository, clock: clock)
        let file = try await files.open(
            AbroadFileInput(
                sessionCode: body.session, staffNumber: body.staffNumber, authorisationNumber: body.authorisationNumber,
                authorisationDate: body.authorisationDate, departsOn: body.departsOn, returnsOn: body.returnsOn, funding: body.funding.rawValue),
            actor: actor)
        return .created(.init(body: .json(Self.schema(file, today: files.today))))
    }

    func getAbroadFile(_ input: Operations.GetAbroadFile.Input) async throws -> Operations.GetAbroadFile.Output {
        let files = AbroadFiles(repository: repository, clock: clock)
        let file = try await files.file(id: try Self.fileID(input.path.id), actor: actor)
        return .ok(.init(body: .json(Self.schema(file, today: files.today))))
    }

    func recordAbroadResumption(_ input: Operations.RecordAbroadResumption.Input) async throws -> Operations.RecordAbroadResumption.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        let id = try Self.fileID(input.path.id)
        let files = AbroadFiles(repository: repository, clock: clock)
        try await files.recordResumption(fileID: id, on: body.resumedOn, actor: actor)
        return .ok(.init(body: .json(Self.schema(try await files.file(id: id, actor: actor), today: files.today))))
    }

    func extendAbroadFile(_ input: Operations.ExtendAbroadFile.Input) async throws -> Operations.ExtendAbroadFile.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        let id = try Self.fileID(input.path.id)
        try ContractLimits.text(body.reason, "reason", min: 1, max: 500)
        let files = AbroadFiles(repository: repository, clock: clock)
        try await files.extend(fileID: id, to: body.returnsOn, reason: body.reason, actor: actor)
        return .created(.init(body: .json(Self.schema(try await files.file(id: id, actor: actor), today: files.today))))
    }

    static func fileID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw KalanError.invalid(field: "id", problem: .format(.identifier)) }
        return id
    }

    static func schema(_ f: AbroadFile, today: Day) -> Components.Schemas.AbroadFile {
        let overdue = f.isOverdue(on: today)
        return .init(
            id: f.id.uuidString.lowercased(), staffNumber: f.staffNumber, name: f.name, department: f.departmentCode, session: f.sessionCode, city: f.city,
            country: f.country, authorisationNumber: f.authorisationNumber, authorisationDate: f.authorisationDate.map { "\($0)" }, departsOn: "\(f.departsOn)",
            returnsOn: "\(f.returnsOn)", dueOn: "\(f.dueOn)", resumedOn: f.resumedOn.map { "\($0)" }, funding: .init(rawValue: f.funding.rawValue)!,
            overdue: overdue, daysLate: overdue ? today.ordinal - f.dueOn.ordinal : nil, report: f.reportName,
            extensions: f.extensions.map { .init(returnsOn: "\($0.returnsOn)", reason: $0.reason) })
    }
}
