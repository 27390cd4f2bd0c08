import Dispatch
import Foundation
import KalanCore
import Postgres

/// Reports of the same question asked together share one answer, never a stale one: a request
/// joins the batch that has not yet begun reading (so whatever was committed before the request
/// is read by it), else starts one that begins when the batch under way ends. Six clients asking
/// `by=course` while enrolments run cost one tally at a time, not six.
public actor CohortBatches {
    private var queued: [CohortQuery: Task<CohortReport, any Error>] = [:]
    private var running: [CohortQuery: (batch: Int, task: Task<CohortReport, any Error>)] = [:]
    private var numbered = 0
    /// Batches begun, for the tests.
    private(set) var begun = 0

    func answer(_ key: CohortQuery, _ compute: @escaping @Sendable () async throws -> CohortReport) async throws -> CohortReport {
        if let batch = queued[key] { return try await batch.value }
        numbered += 1
        let number = numbered, before = running[key]?.task
        let batch = Task {
            if let before { _ = await before.result }
            await self.begin(key, number)
            let result = await Result { try await compute() }
            await self.end(key, number)
            return try result.get()
        }
        queued[key] = batch
        return try await batch.value
    }

    private func begin(_ key: CohortQuery, _ number: Int) {
        if let batch = queued.removeValue(forKey: key) { running[key] = (number, batch) }
        begun += 1
    }

    private func end(_ key: CohortQuery, _ number: Int) {
        if running[key]?.batch == number { running[key] = nil }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension CohortTally {
    /// Runs a tally on a thread of its own, not on one of the few threads that serve requests.
    static func offRequestThreads<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}

extension PostgresRepository {
    /// A cohort report from the index: one short transaction reads what changed and the sessions
    /// the report selects, then the tally runs outside it, off the request threads, on the
    /// snapshot it took (writes meanwhile publish new snapshots without touching this one).
    public func cohorts(_ q: CohortQuery) async throws -> CohortReport {
        guard let cohortIndex else { return try await transaction { try await $0.cohorts(q) } }
        return try await cohortIndex.batches.answer(q) {
            let (facts, selection) = try await self.indexTransaction { uow in
                (try await uow.refreshed(cohortIndex), try await uow.selection(q))
            }
            return await CohortTally.offRequestThreads { CohortTally.report(q, facts: facts, selection: selection) }
        }
    }

    /// Programme progress from the index, tallied outside the transaction and off the request threads.
    public func programmeProgress() async throws -> [ProgrammeProgress] {
        guard let cohortIndex else { return try await transaction { try await $0.programmeProgress() } }
        let (facts, inputs) = try await indexTransaction { uow in (try await uow.refreshed(cohortIndex), try await uow.programmeInputs()) }
        return inputs.progress(await CohortTally.offRequestThreads { CohortTally.programmes(facts: facts, sessionProgramme: inputs.sessions) })
    }

    /// `transaction` with the unit of work's own type (the index's reads are not part of KalanCore's port).
    func indexTransaction<T: Sendable>(_ body: @Sendable (PostgresUnitOfWork) async throws -> T) async throws -> T {
        try await mappingDriverErrors {
            if let ambient = AmbientTransaction.connection(on: pool) {
                return try await AmbientTransaction.savepoint(ambient) { try await body(PostgresUnitOfWork(connection: $0, cohortIndex: cohortIndex)) }
            }
            return try await pool.withRetryingTransaction { try await body(PostgresUnitOfWork(connection: $0, cohortIndex: cohortIndex)) }
        }
    }
}
