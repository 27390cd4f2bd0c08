import Foundation

/// What each session costs and who pays (issue 27): HR and admins record cost lines; everyone but
/// trainers (who work for a partner) reads them and the money statistics. Every change is audited
/// on the session.
public struct SessionCosts: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// A session's cost lines, the people it trained, and the total in CFA francs.
    public struct Sheet: Sendable {
        public var session: TrainingSession
        public var partnerName: String
        public var lines: [CostLine]
        public var counts: SessionCounts
        public var totalXOF: Int64 { lines.reduce(0) { $0 + $1.xof } }
        public func total(paidBy payer: PayerKind) -> Int64 { lines.filter { $0.payer == payer }.reduce(0) { $0 + $1.xof } }
    }

    public func sheet(sessionCode: String, actor: Actor) async throws -> Sheet {
        try actor.require(.catalogue)
        let code = sessionCode.normalisedText.uppercased()
        return try await repository.statement { work in
            guard let session = try await work.session(code: code) else { throw KalanError.notFound(.session, key: sessionCode) }
            let partner = try await work.partner(id: session.partnerID)
            return Sheet(
                session: session, partnerName: partner?.name ?? "", lines: try await work.costLines(sessionID: session.id),
                counts: try await work.sessionCounts(sessionID: session.id))
        }
    }

    /// Checks and keeps one cost line; each refusal names its field.
    @discardableResult
    public func add(_ input: CostLineInput, actor: Actor) async throws -> CostLine {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let kind = try Validate.choice(input.kind, as: CostKind.self, field: "kind")
        let description = try Validate.text(input.description, field: "description", max: 200, required: false)
        let currencyCode = (input.currency?.nonEmptyNormalisedText ?? "XOF").uppercased()
        guard let currency = Currency.named(currencyCode) else {
            throw KalanError.invalid(field: "currency", problem: .oneOf(Currency.known.map(\.code)))
        }
        guard let minor = Money.parse(input.amount.normalisedText, currency: currency) else {
            if input.amount.nonEmptyNormalisedText == nil { throw KalanError.invalid(field: "amount", problem: .required) }
            throw KalanError.invalid(field: "amount", problem: .format(currency.exponent == 0 ? .wholeAmount : .amount))
        }
        guard minor > 0, minor <= Money.limit else { throw KalanError.invalid(field: "amount", problem: .format(.positiveNumber)) }
        let amount = Money(minor: minor, currency: currency)
        let rate: ExchangeRate
        if currency == .xof {
            guard input.rate?.nonEmptyNormalisedText == nil || ExchangeRate.parse(input.rate!) == .one else {
                throw KalanError.invalid(field: "rate", problem: .format(.rateOfCFA))
            }
            rate = .one
        } else {
            guard let text = input.rate?.nonEmptyNormalisedText else { throw KalanError.invalid(field: "rate", problem: .required) }
            guard let parsed = ExchangeRate.parse(text) else { throw KalanError.invalid(field: "rate", problem: .format(.exchangeRate)) }
            rate = parsed
        }
        guard rate.xof(amount) != nil else { throw KalanError.invalid(field: "amount", problem: .format(.positiveNumber)) }
        let payer = try Validate.choice(input.payer, as: PayerKind.self, field: "payer")
        let payerName = payer == .other ? try Validate.required(input.payerName, field: "payer_name") : nil
        let code = try Validate.code(input.sessionCode, field: "session", session: true)
        return try await repository.transaction { work in
            guard let session = try await work.session(code: code) else { throw KalanError.notFound(.session, key: code) }
            var partnerID: UUID?
            if payer == .partner {
                if let partnerCode = input.payerPartner?.nonEmptyNormalisedText {
                    guard let partner = try await work.partner(code: partnerCode.uppercased()) else {
                        throw KalanError.invalid(field: "payer_partner", problem: .unknownReference(partnerCode))
                    }
                    partnerID = partner.id
                } else {
                    partnerID = session.partnerID
                }
            }
            let record = CostLineRecord(
                sessionID: session.id, kind: kind, description: description, amount: amount, rate: rate, payer: payer, payerPartnerID: partnerID,
                payerName: payerName, createdBy: actor.name)
            try await work.insert(record)
            guard let line = try await work.costLines(sessionID: session.id).first(where: { $0.id == record.id }) else {
                throw KalanError.storageFailure("cost line not read back")
            }
            try await work.audit(AuditEntry(actor: actor, action: "session.cost.add", entity: .session, entityID: session.code, after: line))
            return line
        }
    }

    /// Removes one of a session's cost lines (a line typed wrongly is removed and typed again).
    public func remove(sessionCode: String, lineID: UUID, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let code = sessionCode.normalisedText.uppercased()
        try await repository.transaction { work in
            guard let session = try await work.session(code: code) else { throw KalanError.notFound(.session, key: sessionCode) }
            let before = try await work.costLines(sessionID: session.id).first { $0.id == lineID }
            guard let before, try await work.deleteCostLine(id: lineID, sessionID: session.id) else {
                throw KalanError.invalid(field: "line", problem: .unknownReference(lineID.uuidString.lowercased()))
            }
            try await work.audit(AuditEntry(actor: actor, action: "session.cost.remove", entity: .session, entityID: session.code, before: before))
        }
    }

    /// The money statistics: the cohort statistics' filters, checked the same way; not for trainers.
    public func money(_ query: MoneyQuery, actor: Actor) async throws -> MoneyReport {
        guard actor.role != .trainer else { throw KalanError.forbidden }
        let q = query.filters
        if let from = q.from, let to = q.to, to < from { throw KalanError.invalid(field: "to", problem: .order(mustFollow: "from")) }
        var checked = query
        checked.filters.by = []
        checked.filters.courseCode = try q.courseCode.map { try Validate.code($0, field: "course") }
        checked.filters.partnerCode = try q.partnerCode.map { try Validate.code($0, field: "partner") }
        checked.filters.programmeCode = try q.programmeCode.map { try Validate.code($0, field: "programme") }
        checked.filters.departmentCode = try q.departmentCode.map { try Validate.code($0, field: "department") }
        checked.filters.domain = try q.domain.map { try Validate.domain($0) }
        let final = checked
        return try await repository.transaction { try await $0.money(final) }
    }
}
