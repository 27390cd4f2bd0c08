import Foundation

/// Partners' offers of places (issue 27): HR records an offer, shares its places among
/// departments, turns it into sessions; nominations fill each department's share (the database
/// refuses one more); on the release day the unused places go to everyone (the general waitlist).
public struct OfferPlaces: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    public init(repository: any KalanRepository, clock: WallClock) {
        self.repository = repository
        self.clock = clock
    }

    @discardableResult
    public func create(_ input: OfferInput, actor: Actor) async throws -> Offer {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let code = try Validate.code(input.code)
        let title = try Validate.required(input.title, field: "title")
        let city = try Validate.text(input.city, field: "city", max: 100, required: false)
        let country = try Validate.country(input.country)
        let places = try Validate.integer(input.places, field: "places", in: 1...10_000)
        let starts = try Validate.day(input.startsOn, field: "starts_on"), ends = try Validate.day(input.endsOn, field: "ends_on")
        try Validate.period(starts, ends, endField: "ends_on", startField: "starts_on")
        let deadline = try Validate.day(input.deadline, field: "deadline")
        guard deadline <= starts else { throw KalanError.invalid(field: "deadline", problem: .format(.notAfterStart)) }
        let release = try Validate.day(input.releaseOn, field: "release_on")
        guard release <= starts else { throw KalanError.invalid(field: "release_on", problem: .format(.notAfterStart)) }
        let pays = try input.partnerPays.map { try Validate.choice($0, as: CostKind.self, field: "partner_pays") }
        return try await repository.transaction { work in
            guard let partner = try await work.partner(code: input.partner.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "partner", problem: .unknownReference(input.partner))
            }
            guard let course = try await work.course(code: input.course.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "course", problem: .unknownReference(input.course))
            }
            try await work.insert(
                OfferRecord(
                    code: code, partnerID: partner.id, courseID: course.id, title: title, city: city, country: country, places: places, startsOn: starts,
                    endsOn: ends, deadline: deadline, releaseOn: release, partnerPays: CostKind.allCases.filter { pays.contains($0) }))
            guard let offer = try await work.offer(code: code) else { throw KalanError.storageFailure("offer not read back") }
            try await work.audit(AuditEntry(actor: actor, action: "offer.create", entity: .partner, entityID: "\(partner.code)/\(code)", after: offer))
            return offer
        }
    }

    public func list(actor: Actor) async throws -> [Offer] {
        try actor.require(.catalogue)
        return try await repository.statement { try await $0.offers() }
    }

    public func offer(code: String, actor: Actor) async throws -> Offer {
        try actor.require(.catalogue)
        guard let offer = try await repository.statement({ try await $0.offer(code: code.normalisedText.uppercased()) }) else {
            throw KalanError.invalid(field: "offer", problem: .unknownReference(code))
        }
        return offer
    }

    /// Gives a department `places` of the offer (0 takes its share back); never below what its
    /// nominations already took, never beyond the offer's places.
    @discardableResult
    public func share(offerCode: String, departmentCode: String, places: Int, actor: Actor) async throws -> Offer {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let places = try Validate.integer(places, field: "places", in: 0...10_000)
        return try await repository.transaction { work in
            guard let offer = try await work.offer(code: offerCode.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "offer", problem: .unknownReference(offerCode))
            }
            guard let department = try await work.department(code: departmentCode.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "department", problem: .unknownReference(departmentCode))
            }
            let taken = offer.shares.first { $0.departmentCode == department.code }?.taken ?? 0
            guard places >= taken else { throw KalanError.invalid(field: "places", problem: .range(min: taken, max: offer.places)) }
            let others = offer.shares.filter { $0.departmentCode != department.code }.reduce(0) { $0 + $1.places }
            guard others + places <= offer.places else { throw KalanError.invalid(field: "places", problem: .range(min: taken, max: offer.places - others)) }
            try await work.setShare(offerID: offer.id, departmentID: department.id, places: places)
            try await work.audit(
                AuditEntry(actor: actor, action: "offer.share", entity: .department, entityID: department.code, after: ["offer": offer.code, "places": "\(places)"]))
            return try await work.offer(code: offer.code)!
        }
    }

    /// A session of the offer: its course, partner, place and dates, as many seats as places.
    @discardableResult
    public func createSession(offerCode: String, sessionCode: String, actor: Actor) async throws -> TrainingSession {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let code = try Validate.code(sessionCode, field: "session", session: true)
        return try await repository.transaction { work in
            guard let offer = try await work.offer(code: offerCode.normalisedText.uppercased()) else {
                throw KalanError.invalid(field: "offer", problem: .unknownReference(offerCode))
            }
            guard let course = try await work.course(code: offer.courseCode), let partner = try await work.partner(code: offer.partnerCode) else {
                throw KalanError.invalid(field: "offer", problem: .unknownReference(offerCode))
            }
            let session = TrainingSession(
                code: code, courseID: course.id, partnerID: partner.id, programmeID: course.programmeID, startsOn: offer.startsOn, endsOn: offer.endsOn,
                mode: .inPerson, city: offer.city ?? Names.country(offer.country, .en), country: offer.country, capacity: offer.places,
                enrolmentDeadline: offer.deadline, status: .open)
            try await work.insert(session)
            try await work.link(sessionID: session.id, toOffer: offer.id)
            try await work.audit(AuditEntry(actor: actor, action: "session.create", entity: .session, entityID: code, after: session))
            return session
        }
    }

    /// Releases every offer whose day has come: from then on its places go to anyone, in the
    /// order of the general waitlist. Returns the offers released.
    @discardableResult
    public func releaseDue(actor: Actor) async throws -> [String] {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let now = clock.now(), today = Day.of(now)
        return try await repository.transaction { work in
            // One release at a time (pages, command, each server's service): the next one reads the offers released.
            try await work.lockOfferReleases()
            var released: [String] = []
            for offer in try await work.offers() where offer.releasedAt == nil && offer.releaseOn <= today {
                try await work.markReleased(offerID: offer.id, at: now)
                try await work.audit(
                    AuditEntry(actor: actor, action: "offer.release", entity: .partner, entityID: "\(offer.partnerCode)/\(offer.code)", after: ["unused": "\(offer.shares.reduce(0) { $0 + $1.free })"])
                )
                released.append(offer.code)
            }
            return released
        }
    }
}
