import Foundation

/// The staff register: one staff member at a time, or a whole spreadsheet, all or nothing.
public struct TraineeRegister: Sendable {
    let repository: any KalanRepository

    public init(repository: any KalanRepository) { self.repository = repository }

    /// Not an error: a dry run's way out of its transaction, carrying what would have happened.
    struct DryRun: Error { var summary: TraineeImportSummary }

    /// Validates the whole file, then upserts by staff number. Any bad line rejects the file with
    /// a report of every problem and nothing stored. A dry run validates against the register too.
    /// `workbooks` reads `.xlsx` files (KalanFiles); without it, CSV only.
    @discardableResult
    public func importSheet(
        _ data: Data, workbooks: (any WorkbookReader)? = nil, dryRun: Bool = false, actor: Actor, progress: ProgressReport? = nil
    ) async throws -> TraineeImportSummary {
        guard actor.managesRegister else { throw KalanError.forbidden }
        // Reading a sheet (up to 20 MB, or a workbook unpacked to 100 MB) is CPU work: off
        // Swift's cooperative threads, which every other request needs.
        let reading = await Background.run { TraineeSheet.sheet(data, workbooks: workbooks) }
        let departmentColumn = reading.headers["department"] ?? "department"
        // The department column holds a code or a name (French or English, accents and case aside).
        let departments = try await repository.transaction { try await $0.departments() }
        var resolved: [TraineeImportRow] = []
        var unknown: [ImportProblem] = []
        for var row in reading.rows {
            if let named = row.departmentCode {
                if let department = TraineeSheet.department(named, in: departments) {
                    row.departmentCode = department.code
                } else {
                    unknown.append(ImportProblem(line: row.line, column: departmentColumn, value: named, reason: .unknownDepartment))
                }
            }
            resolved.append(row)
        }
        let rows = resolved
        let problems = reading.problems + unknown
        guard problems.isEmpty else { throw ImportRejected(problems: problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        guard !rows.isEmpty else { throw ImportRejected(problems: [ImportProblem(line: 2, column: nil, value: nil, reason: .required)]) }
        do {
            var summary = try await repository.transaction { work in
                let summary = try await work.importTrainees(rows, actor: actor, progress: progress)
                if !summary.unknownDepartments.isEmpty {
                    throw ImportRejected(
                        problems: summary.unknownDepartments.map {
                            ImportProblem(line: $0.line, column: departmentColumn, value: $0.code, reason: .unknownDepartment)
                        })
                }
                if dryRun { throw DryRun(summary: summary) }
                return summary
            }
            summary.warnings = reading.warnings
            summary.source = reading.source
            return summary
        } catch let done as DryRun {
            var summary = done.summary
            summary.warnings = reading.warnings
            summary.source = reading.source
            return summary
        }
    }

    /// Adds one staff member through the same checks as a spreadsheet line.
    @discardableResult
    public func add(fields: [String: String], actor: Actor) async throws -> Trainee {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let checked = TraineeSheet.check(fields: fields)
        if let problem = checked.problems.first { throw problem.fieldError }
        guard let row = checked.row else { throw KalanError.invalid(field: "staff_number", problem: .required) }
        return try await repository.transaction { work in
            if try await work.trainee(staffNumber: row.staffNumber) != nil { throw KalanError.duplicate(.trainee, key: row.staffNumber) }
            var departmentID: UUID?
            if let code = row.departmentCode {
                guard let department = TraineeSheet.department(code, in: try await work.departments()) else {
                    throw KalanError.invalid(field: "department", problem: .unknownReference(code))
                }
                departmentID = department.id
            }
            let trainee = Trainee(
                staffNumber: row.staffNumber, givenName: row.givenName, familyName: row.familyName, sex: row.sex, category: row.category,
                position: row.position, departmentID: departmentID, email: row.email, phone: row.phone, active: row.active)
            try await work.insert(trainee)
            try await work.audit(AuditEntry(actor: actor, action: "trainee.create", entity: .trainee, entityID: trainee.staffNumber, after: trainee))
            return trainee
        }
    }

    /// Marks a staff member active or inactive (inactive staff cannot be nominated).
    @discardableResult
    public func setActive(staffNumber: String, active: Bool, actor: Actor) async throws -> Trainee {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard var trainee = try await work.trainee(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
            let before = trainee
            trainee.active = active
            trainee = try await work.update(trainee)
            try await work.audit(AuditEntry(actor: actor, action: active ? "trainee.activate" : "trainee.deactivate", entity: .trainee, entityID: staffNumber, before: before, after: trainee))
            return trainee
        }
    }
}

extension TraineeRegister {
    public struct Changes: Sendable {
        public var givenName, familyName, position, email, phone: String?
        public var active: Bool?
        /// Sex (F/M), category, and department by code or name ("" removes the department).
        public var sex, category, department: String?
        public init(
            givenName: String? = nil, familyName: String? = nil, position: String? = nil, email: String? = nil, phone: String? = nil, active: Bool? = nil,
            sex: String? = nil, category: String? = nil, department: String? = nil
        ) {
            (self.givenName, self.familyName, self.position, self.email, self.phone, self.active) = (givenName, familyName, position, email, phone, active)
            (self.sex, self.category, self.department) = (sex, category, department)
        }
    }

    /// Saves changes when the record is still at `expectedVersion` (else `stale`: someone saved first).
    public func update(staffNumber: String, expectedVersion: Int, changes: Changes, actor: Actor) async throws -> Trainee {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard var trainee = try await work.trainee(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
            guard trainee.version == expectedVersion else { throw KalanError.stale(.trainee) }
            let before = trainee
            var fields: [String: String] = [
                "staff_number": trainee.staffNumber, "given_name": changes.givenName ?? trainee.givenName, "family_name": changes.familyName ?? trainee.familyName,
                "sex": changes.sex ?? trainee.sex.rawValue, "position": changes.position ?? trainee.position ?? "", "email": changes.email ?? trainee.email ?? "",
                "phone": changes.phone ?? trainee.phone ?? "",
            ]
            fields["category"] = changes.category ?? trainee.category ?? ""
            let checked = TraineeSheet.check(fields: fields)
            if let problem = checked.problems.first { throw problem.fieldError }
            guard let row = checked.row else { throw KalanError.invalid(field: "body", problem: .required) }
            trainee.givenName = row.givenName
            trainee.familyName = row.familyName
            trainee.sex = row.sex
            trainee.category = row.category
            if let named = changes.department?.nonEmptyNormalisedText {
                guard let department = TraineeSheet.department(named, in: try await work.departments()) else {
                    throw KalanError.invalid(field: "department", problem: .unknownReference(named))
                }
                trainee.departmentID = department.id
            } else if changes.department != nil {
                trainee.departmentID = nil
            }
            trainee.position = row.position
            trainee.email = row.email
            trainee.phone = row.phone
            if let active = changes.active { trainee.active = active }
            trainee = try await work.update(trainee)
            try await work.audit(AuditEntry(actor: actor, action: "trainee.update", entity: .trainee, entityID: staffNumber, before: before, after: trainee))
            return trainee
        }
    }
}
