import ArgumentParser
import Foundation
import KalanCore

/// Runs one use case per staff number, `concurrency` at a time; reports each failure and
/// exits non-zero if any failed.
func forEachStaff(
    _ staff: [String], concurrency: Int, in ctx: CommandContext, _ body: @escaping @Sendable (String) async throws -> String
) async throws {
    var failures = 0
    try await withThrowingTaskGroup(of: (String, Result<String, any Error>).self) { group in
        var pending = staff.makeIterator()
        func next() -> Bool {
            guard let number = pending.next() else { return false }
            group.addTask { (number, await Result { try await body(number) }) }
            return true
        }
        for _ in 0..<max(1, concurrency) where !next() { break }
        while let (number, result) = try await group.next() {
            switch result {
            case .success(let line): ctx.print(line)
            case .failure(let error):
                failures += 1
                FileHandle.standardError.write(Data("kalan: \(number): \(CommandContext.message(for: error, in: ctx.language))\n".utf8))
            }
            _ = next()
        }
    }
    if failures > 0 { throw ExitCode(4) }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

struct StaffInSession: ParsableArguments {
    @Option(help: "Session code.") var session: String
    @Argument(help: "Staff numbers.") var staff: [String]
    @Option(help: "How many at once.") var concurrency = 1
}

func describe(_ e: Enrolment, _ number: String, _ ctx: CommandContext) -> String {
    let position = e.waitlistPosition.map { ctx.t("cli.enrolment.waitlist", ["position": String($0)]) } ?? ""
    return "\(number): \(e.status.rawValue)\(position)"
}

struct Nominate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Nominate staff for a session.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession
    @Option(help: "Admin only: let a missing prerequisite or an overlap through, with this reason.") var override: String?

    func run() async throws {
        try await CommandContext.run(global, maxConnections: max(2, target.concurrency)) { ctx in
            try await forEachStaff(target.staff, concurrency: target.concurrency, in: ctx) { number in
                describe(try await ctx.workflow.nominate(staffNumber: number, sessionCode: target.session, actor: ctx.actor, override: override), number, ctx)
            }
        }
    }
}

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Approve nominations: a seat if one is free, else the waitlist.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession

    func run() async throws {
        try await CommandContext.run(global, maxConnections: max(2, target.concurrency)) { ctx in
            try await forEachStaff(target.staff, concurrency: target.concurrency, in: ctx) { number in
                describe(try await ctx.workflow.approve(staffNumber: number, sessionCode: target.session, actor: ctx.actor), number, ctx)
            }
        }
    }
}

struct Enrol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Nominate and approve in one step (HR).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession
    @Option(help: "Admin only: let a missing prerequisite or an overlap through, with this reason.") var override: String?

    func run() async throws {
        try await CommandContext.run(global, maxConnections: max(2, target.concurrency)) { ctx in
            try await forEachStaff(target.staff, concurrency: target.concurrency, in: ctx) { number in
                describe(try await ctx.workflow.enrol(staffNumber: number, sessionCode: target.session, actor: ctx.actor, override: override), number, ctx)
            }
        }
    }
}

struct Reject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reject nominations, with a reason.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession
    @Option var reason: String

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            try await forEachStaff(target.staff, concurrency: 1, in: ctx) { number in
                describe(try await ctx.workflow.reject(staffNumber: number, sessionCode: target.session, reason: reason, actor: ctx.actor), number, ctx)
            }
        }
    }
}

struct Withdraw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Withdraw staff; a freed seat goes to the first on the waitlist.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: StaffInSession
    @Option var reason: String?

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            try await forEachStaff(target.staff, concurrency: 1, in: ctx) { number in
                describe(try await ctx.workflow.withdraw(staffNumber: number, sessionCode: target.session, reason: reason, actor: ctx.actor), number, ctx)
            }
        }
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An enrolment's history: who, when, why.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption
    @Option var session: String
    @Argument var staff: String

    func run() async throws {
        try await CommandContext.run(global) { ctx in
            let events = try await ctx.workflow.history(staffNumber: staff, sessionCode: session, actor: ctx.actor)
            let formatter = ISO8601DateFormatter()
            ctx.print(
                Listing(
                    columns: ["at", "from", "to", "by", "reason"],
                    cells: events.map { [.text(formatter.string(from: $0.at)), .optional($0.from?.rawValue), .text($0.to.rawValue), .text($0.actor), .optional($0.reason)] }
                ).render(output.format))
        }
    }
}
