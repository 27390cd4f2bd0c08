import Foundation
import KalanCore
import OpenAPIRuntime

/// A session's cost lines and the money statistics, by the same use case as `kalan costs`.
extension KalanAPI {
    func listSessionCosts(_ input: Operations.ListSessionCosts.Input) async throws -> Operations.ListSessionCosts.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let sheet = try await SessionCosts(repository: repository).sheet(sessionCode: input.path.code, actor: actor)
        let counts = sheet.counts, total = sheet.totalXOF
        return .ok(
            .init(
                body: .json(
                    .init(
                        session: sheet.session.code, lines: sheet.lines.map(Self.schema), totalXOF: total, participants: counts.participants,
                        completions: counts.completions, certificates: counts.certificates,
                        perParticipantXOF: MoneyFigures.share(total, counts.participants), perCompletionXOF: MoneyFigures.share(total, counts.completions),
                        perCertificateXOF: MoneyFigures.share(total, counts.certificates)))))
    }

    func addSessionCost(_ input: Operations.AddSessionCost.Input) async throws -> Operations.AddSessionCost.Output {
        guard case .json(let body) = input.body else { throw KalanError.invalid(field: "body", problem: .required) }
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        try ContractLimits.text(input.headers.idempotencyKey, "Idempotency-Key", min: 1, max: 100)
        try ContractLimits.text(body.description, "description", max: 200)
        try ContractLimits.text(body.amount, "amount", min: 1, max: 40)
        try ContractLimits.text(body.currency, "currency", min: 3, max: 3)
        try ContractLimits.text(body.rate, "rate", max: 40)
        try ContractLimits.text(body.payerPartner, "payerPartner", max: 32)
        try ContractLimits.text(body.payerName, "payerName", max: 200)
        let line = try await SessionCosts(repository: repository).add(
            CostLineInput(
                sessionCode: input.path.code, kind: body.kind.rawValue, description: body.description, amount: body.amount, currency: body.currency,
                rate: body.rate, payer: body.payer.rawValue, payerPartner: body.payerPartner, payerName: body.payerName), actor: actor)
        return .created(.init(body: .json(Self.schema(line))))
    }

    func removeSessionCost(_ input: Operations.RemoveSessionCost.Input) async throws -> Operations.RemoveSessionCost.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        guard let id = UUID(uuidString: input.path.id) else { throw KalanError.invalid(field: "id", problem: .format(.identifier)) }
        try await SessionCosts(repository: repository).remove(sessionCode: input.path.code, lineID: id, actor: actor)
        return .noContent(.init())
    }

    func getCostStatistics(_ input: Operations.GetCostStatistics.Input) async throws -> Operations.GetCostStatistics.Output {
        let q = input.query
        for (value, field) in [(q.course, "course"), (q.partner, "partner"), (q.programme, "programme"), (q.department, "department"), (q.domain, "domain")] {
            try ContractLimits.text(value, field, max: 32)
        }
        let filters = CohortQuery(
            from: try q.from.map { try Validate.day($0, field: "from") }, to: try q.to.map { try Validate.day($0, field: "to") }, courseCode: q.course,
            partnerCode: q.partner, programmeCode: q.programme, departmentCode: q.department, domain: q.domain)
        let report = try await SessionCosts(repository: readRepository).money(
            MoneyQuery(by: q.by.flatMap { MoneyDimension(rawValue: $0.rawValue) }, filters: filters), actor: actor)
        return .ok(
            .init(
                body: .json(
                    .init(
                        dimension: report.dimension?.rawValue, groups: report.groups.map(Self.schema), total: Self.schema(report.total),
                        contributions: report.contributions.map { .init(year: $0.year, partner: $0.partnerCode, partnerName: $0.partnerName, xof: $0.xof) }))))
    }

    static func schema(_ l: CostLine) -> Components.Schemas.CostLine {
        .init(
            id: l.id.uuidString.lowercased(), session: l.sessionCode, kind: .init(rawValue: l.kind.rawValue)!, description: l.description, amount: l.amount.plain,
            amountMinor: l.amount.minor, currency: l.amount.currency.code, exponent: l.amount.currency.exponent, rate: l.rate.plain, amountXOF: l.xof,
            payer: .init(rawValue: l.payer.rawValue)!, payerPartner: l.payerPartnerCode, payerName: l.payer == .state ? nil : l.payerName, createdAt: l.createdAt)
    }

    static func schema(_ f: MoneyFigures) -> Components.Schemas.MoneyFigures {
        .init(
            group: f.group, sessions: f.sessions, costXOF: f.costXOF, participants: f.participants, completions: f.completions, certificates: f.certificates,
            perParticipantXOF: f.perParticipant, perCompletionXOF: f.perCompletion, perCertificateXOF: f.perCertificate)
    }
}

/// Files of staff trained abroad, by the same use case as `kalan abroad list`.
extension KalanAPI {
    func listAbroadFiles(_ input: Operations.ListAbroadFiles.Input) async throws -> Operations.ListAbroadFiles.Output {
        try ContractLimits.text(input.query.department, "department", max: 32)
        let files = AbroadFiles(repository: repository, clock: clock)
        let list = input.query.list.flatMap { AbroadList(rawValue: $0.rawValue) } ?? .all
        let today = files.today
        let found = try await files.list(list, departmentCode: input.query.department, actor: actor)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: found.map { f in
                            .init(
                                id: f.id.uuidString.lowercased(), staffNumber: f.staffNumber, name: f.name, department: f.departmentCode, session: f.sessionCode,
                                city: f.city, country: f.country, authorisationNumber: f.authorisationNumber, authorisationDate: f.authorisationDate.map { "\($0)" },
                                departsOn: "\(f.departsOn)", returnsOn: "\(f.returnsOn)", dueOn: "\(f.dueOn)", resumedOn: f.resumedOn.map { "\($0)" },
                                funding: .init(rawValue: f.funding.rawValue)!, overdue: f.isOverdue(on: today),
                                daysLate: f.isOverdue(on: today) ? today.ordinal - f.dueOn.ordinal : nil, report: f.reportName,
                                extensions: f.extensions.map { .init(returnsOn: "\($0.returnsOn)", reason: $0.reason) })
                        }))))
    }
}
