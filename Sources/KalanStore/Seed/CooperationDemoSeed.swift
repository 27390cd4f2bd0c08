import Foundation
import KalanCore

/// The demo's cooperation (issue 27), after the sessions of `DemoSeed`: cost lines in CFA francs,
/// euros and dollars with who pays; an Iranian offer of places in Tehran shared among departments
/// and turned into a session with nominations; files for the staff in Tehran now, one of them
/// overdue (planned return passed, no resumption of duty), one extended, one back at work.
struct CooperationDemoSeed: Sendable {
    let repository: any KalanRepository
    let today: Day
    let actor: Actor

    func run() async throws {
        let costs = SessionCosts(repository: repository)
        typealias Line = (kind: String, amount: String, currency: String, rate: String?, payer: String, partner: String?, funder: String?, what: String?)
        let lines: [String: [Line]] = [
            "S-TEL-2025-01": [
                ("tuition", "12500.00", "USD", "605.50", "partner", nil, nil, "Frais pédagogiques ITRC"),
                ("lodging", "9800.00", "EUR", "655.957", "partner", nil, nil, "Résidence universitaire, Téhéran"),
                ("travel", "8400000", "XOF", nil, "state", nil, nil, "Billets Bamako–Téhéran"),
                ("allowances", "6250000", "XOF", nil, "state", nil, nil, "Indemnités journalières"),
            ],
            "S-EGOV-2025-01": [
                ("tuition", "15000.00", "EUR", "655.957", "partner", nil, nil, "Séminaire e-gouvernance"),
                ("travel", "7150000", "XOF", nil, "state", nil, nil, "Billets Bamako–Moscou"),
                ("allowances", "4500.00", "USD", "598.20", "other", nil, "UIT", "Per diem pris en charge par l'UIT"),
            ],
            "S-CYB-2025-01": [
                ("venue", "1500000", "XOF", nil, "partner", nil, nil, "Salle et pauses, AMRTP"),
                ("allowances", "900000", "XOF", nil, "state", nil, nil, nil),
            ],
            "S-5G-2026-01": [
                ("tuition", "18000.00", "USD", "612.40", "partner", nil, nil, "Formation 5G, IUST"),
                ("travel", "9200000", "XOF", nil, "state", nil, nil, nil),
            ],
            "S-TELX-2026-02": [
                ("tuition", "11000.00", "EUR", "655.957", "partner", nil, nil, nil),
                ("travel", "8800000", "XOF", nil, "state", nil, nil, "Billets Bamako–Téhéran"),
                ("lodging", "6400.00", "EUR", "655.957", "partner", nil, nil, nil),
            ],
        ]
        let known = Set(try await repository.statement { try await $0.sessions(SessionFilter(limit: 1000)) }.map(\.code))
        for (session, items) in lines.sorted(by: { $0.key < $1.key }) where known.contains(session) {
            for l in items {
                try await costs.add(
                    CostLineInput(
                        sessionCode: session, kind: l.kind, description: l.what, amount: l.amount, currency: l.currency, rate: l.rate, payer: l.payer,
                        payerPartner: l.partner, payerName: l.funder), actor: actor)
            }
        }
        if known.contains("S-5G-2027-01") { try await offer() }
        if known.contains("S-TELX-2026-02") { try await files() }
    }

    /// ITRC's offer of twelve places in Tehran, shared among three departments.
    func offer() async throws {
        let offers = OfferPlaces(repository: repository, clock: .fixed(today))
        try await offers.create(
            OfferInput(
                code: "IR-5G-2027", partner: "ITRC", course: "5G-RES", title: "Bourses 5G et réseaux mobiles à Téhéran", city: "Tehran", country: "IR", places: 12,
                startsOn: "2027-06-07", endsOn: "2027-06-25", deadline: "2027-05-07", releaseOn: "2027-05-14", partnerPays: ["tuition", "lodging", "travel"]),
            actor: actor)
        for (department, places) in [("DNT", 5), ("AGETIC", 4), ("DNEN", 2)] {
            try await offers.share(offerCode: "IR-5G-2027", departmentCode: department, places: places, actor: actor)
        }
        try await offers.createSession(offerCode: "IR-5G-2027", sessionCode: "S-5G-2027-02", actor: actor)
        // A few nominations; those whose department has no share (or a full one) are refused, as they should be.
        let staff = try await repository.statement { try await $0.trainees(TraineeFilter(limit: 400)) }
        let workflow = EnrolmentWorkflow(repository: repository, clock: .fixed(today))
        let departments = try await repository.statement { try await $0.departments() }
        let byID = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0.code) })
        var nominated: [String: Int] = [:]
        for trainee in staff where trainee.active {
            guard let code = trainee.departmentID.flatMap({ byID[$0] }), ["DNT": 3, "AGETIC": 2, "DNEN": 1][code, default: 0] > nominated[code, default: 0] else { continue }
            guard (try? await workflow.nominate(staffNumber: trainee.staffNumber, sessionCode: "S-5G-2027-02", actor: actor, override: "démonstration")) != nil
            else { continue }
            nominated[code, default: 0] += 1
        }
    }

    /// The staff in Tehran for S-TELX-2026-02 (16–27 November 2026): back at work, extended, overdue.
    func files() async throws {
        let files = AbroadFiles(repository: repository, clock: .fixed(today))
        let lines = try await repository.statement { work -> [RosterLine] in
            guard let session = try await work.session(code: "S-TELX-2026-02") else { return [] }
            return try await work.roster(sessionID: session.id)
        }
        let seated = lines.filter { [.enrolled, .completed, .failed].contains($0.enrolment.status) }.map(\.trainee.staffNumber)
        for (index, number) in seated.prefix(6).enumerated() {
            let file = try await files.open(
                AbroadFileInput(
                    sessionCode: "S-TELX-2026-02", staffNumber: number, authorisationNumber: "2026-\(String(format: "%04d", 311 + index))/MCENMA-SG",
                    authorisationDate: "2026-10-28", departsOn: "2026-11-14", returnsOn: "2026-11-29",
                    funding: index % 3 == 2 ? "state" : "partner_scholarship"), actor: actor)
            switch index {
            case 0, 1, 2:
                // Back at work (when the demo's day allows it).
                if today >= Day("2026-12-01")! { try await files.recordResumption(fileID: file.id, on: "2026-12-01", actor: actor) }
            case 3:
                try await files.extend(
                    fileID: file.id, to: "\(max(today, Day("2026-12-01")!).adding(days: 10))", reason: "Stage complémentaire 5G proposé par l'ITRC", actor: actor)
            default:
                // Index 4 and 5: planned return passed, no resumption recorded — overdue.
                break
            }
        }
    }
}
