import ArgumentParser
import Foundation
import KalanCore
import KalanFiles
import KalanStore

struct TraineeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainee", abstract: "The staff register: add, list, import a spreadsheet, export.",
        subcommands: [Add.self, List.self, Import.self, Export.self, Deactivate.self, Activate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add one staff member.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Staff number (matricule).") var staffNumber: String
        @Option(name: .customLong("given-name")) var givenName: String
        @Option(name: .customLong("family-name")) var familyName: String
        @Option(help: "F or M.") var sex: String
        @Option var category: String?
        @Option var position: String?
        @Option(help: "Department code.") var department: String?
        @Option var email: String?
        @Option var phone: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let fields = [
                    "staff_number": staffNumber, "given_name": givenName, "family_name": familyName, "sex": sex, "category": category ?? "",
                    "position": position ?? "", "department": department ?? "", "email": email ?? "", "phone": phone ?? "",
                ]
                let t = try await TraineeRegister(repository: ctx.repository).add(fields: fields, actor: ctx.actor)
                ctx.say("cli.trainee.added", ["staff": "\(t.staffNumber)", "name": "\(t.fullName)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff (by staff number or name), with filters.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Part of a name or staff number.") var search: String?
        @Option var department: String?
        @Option(help: "true or false.") var active: Bool?
        @Option var limit = 100
        @Option(help: "Order: staffNumber, familyName, or either with a leading - for descending (--sort=-familyName).") var sort: TraineeOrder = .staffNumber
        @Option(help: "Start after this staff number (staff-number orders only).") var after: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                if after != nil, sort.byName { throw KalanError.invalid(field: "after", problem: .format(.sortOrder)) }
                let filter = TraineeFilter(
                    search: search, departmentCode: department?.uppercased(), active: active, limit: min(max(limit, 1), 100_000), order: sort,
                    after: after.map { TraineeSortKey(staffNumber: $0) })
                let page = try await StaffQueries(repository: ctx.repository).list(filter, actor: ctx.actor)
                ctx.print(TraineeCommand.listing(page.staff, page.departments).render(output.format))
            }
        }
    }

    static func listing(_ trainees: [Trainee], _ departments: Departments) -> Listing {
        return Listing(
            columns: ["staff_number", "given_name", "family_name", "sex", "category", "position", "department", "email", "phone", "active"],
            cells: trainees.map {
                [
                    .text($0.staffNumber), .text($0.givenName), .text($0.familyName), .text($0.sex.rawValue), .optional($0.category), .optional($0.position),
                    .optional(departments.code(of: $0.departmentID)), .optional($0.email), .optional($0.phone), .bool($0.active),
                ]
            })
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a staff spreadsheet (CSV: comma or semicolon, UTF-8 with or without BOM, French or English headers).",
            discussion: "Upserts by staff number. All or nothing: any bad line rejects the file with a report of every problem.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "CSV file, or - for standard input.") var file: String
        @Flag(name: .customLong("dry-run"), help: "Validate only; store nothing.") var dryRun = false

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
                guard let data else { throw KalanError.invalid(field: file, problem: .unknownReference(file)) }
                let stopwatch = Stopwatch()
                // A bar only for large files, where waiting is noticeable.
                let bar = data.count > 1 << 20 ? ProgressBar(ctx.t("cli.trainee.loading")) : nil
                do {
                    let summary = try await TraineeRegister(repository: ctx.repository).importSheet(data, workbooks: XLSXSheetReader(), dryRun: dryRun, actor: ctx.actor, progress: bar?.draw)
                    bar?.finish()
                    let seconds = String(format: "%.2f", stopwatch.seconds)
                    let prefix = dryRun ? ctx.t("import.dry_run_prefix") + " " : ""
                    ctx.print(
                        prefix
                            + ctx.t(
                                "cli.trainee.imported",
                                [
                                    "inserted": "\(summary.inserted)", "updated": "\(summary.updated)", "unchanged": "\(summary.unchanged)",
                                    "seconds": seconds,
                                ]))
                    for note in summary.notes(in: ctx.language) { FileHandle.standardError.write(Data((note + "\n").utf8)) }
                } catch let rejected as ImportRejected {
                    FileHandle.standardError.write(Data((rejected.report(in: ctx.language) + "\n").utf8))
                    throw ExitCode(2)
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the register as CSV (the import format) or JSON.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "csv or json.") var format: OutputFormat = .csv
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let page = try await StaffQueries(repository: ctx.repository).list(TraineeFilter(limit: Int(Int32.max)), actor: ctx.actor)
                let trainees = page.staff
                let text = TraineeCommand.listing(trainees, page.departments).render(format == .table ? .csv : format)
                if let output {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                    ctx.say("cli.trainee.exported", ["trainees": "\(trainees.count)", "output": "\(output)"])
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a staff member inactive (cannot be nominated).")
        @OptionGroup var global: GlobalOptions
        @Argument var staffNumber: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await TraineeRegister(repository: ctx.repository).setActive(staffNumber: staffNumber, active: false, actor: ctx.actor)
                ctx.say("cli.trainee.deactivated", ["staff": "\(staffNumber)"])
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a staff member active again.")
        @OptionGroup var global: GlobalOptions
        @Argument var staffNumber: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                try await TraineeRegister(repository: ctx.repository).setActive(staffNumber: staffNumber, active: true, actor: ctx.actor)
                ctx.say("cli.trainee.activated", ["staff": "\(staffNumber)"])
            }
        }
    }
}

extension TraineeOrder: ExpressibleByArgument {}
