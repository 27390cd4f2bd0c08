import ArgumentParser
import Foundation
import KalanCore
import KalanStore

struct DepartmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "department", abstract: "Directions, services and agencies (a tree).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a department.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Code, e.g. DNT.") var code: String
        @Option(name: .customLong("name-fr")) var nameFR: String
        @Option(name: .customLong("name-en")) var nameEN: String?
        @Option(help: "ministry, cabinet, direction, service, agency, other.") var kind = "direction"
        @Option(help: "Parent department code.") var parent: String?

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let d = try await ctx.register.addDepartment(code: code, nameFR: nameFR, nameEN: nameEN, kind: kind, parentCode: parent, actor: ctx.actor)
                ctx.say("cli.register.department_added", ["code": "\(d.code)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List departments.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let all = try await CatalogueQueries(repository: ctx.repository).departments(actor: ctx.actor)
                let codes = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.code) })
                ctx.print(
                    Listing(
                        columns: ["code", "name", "kind", "parent"],
                        cells: all.map { [.text($0.code), .text($0.name(in: ctx.language)), .text($0.kind.rawValue), .optional($0.parentID.flatMap { codes[$0] })] }
                    ).render(output.format))
            }
        }
    }
}

struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "partner", abstract: "Partner institutions.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a partner institution.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Option var name: String
        @Option(help: "government, university, international_organisation, national_agency, private.") var kind: String
        @Option(help: "ISO 3166-1 alpha-2, e.g. IR.") var country: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let p = try await ctx.register.addPartner(code: code, name: name, kind: kind, country: country, actor: ctx.actor)
                ctx.say("cli.register.partner_added", ["code": "\(p.code)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let all = try await CatalogueQueries(repository: ctx.repository).partners(actor: ctx.actor)
                ctx.print(Listing(columns: ["code", "name", "kind", "country"], rows: all.map { [$0.code, $0.name, $0.kind.rawValue, $0.country] }).render(output.format))
            }
        }
    }
}

struct ProgrammeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "programme", abstract: "Cooperation programmes and their targets.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a programme.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Option(name: .customLong("name-fr")) var nameFR: String
        @Option(name: .customLong("name-en")) var nameEN: String?
        @Option(name: .customLong("from"), help: "YYYY-MM-DD") var startsOn: String
        @Option(name: .customLong("to"), help: "YYYY-MM-DD") var endsOn: String
        @Option(name: .customLong("domain"), help: "Repeatable: telecoms, cybersecurity, 5g, e_governance…") var domains: [String] = []
        @Option(name: .customLong("target"), help: "Staff to train.") var target = 0
        @Option(name: .customLong("partner"), help: "Repeatable partner code.") var partners: [String] = []

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let p = try await ctx.register.addProgramme(
                    .init(code: code, nameFR: nameFR, nameEN: nameEN, startsOn: startsOn, endsOn: endsOn, domains: domains, targetTrainees: target, partnerCodes: partners),
                    actor: ctx.actor)
                ctx.say("cli.register.programme_added", ["code": "\(p.code)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List programmes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let all = try await CatalogueQueries(repository: ctx.repository).programmes(actor: ctx.actor).programmes
                ctx.print(
                    Listing(
                        columns: ["code", "name", Column("from", key: "startsOn"), Column("to", key: "endsOn"), "domains", "target"],
                        cells: all.map {
                            [
                                .text($0.code), .text($0.name(in: ctx.language)), .text("\($0.startsOn)"), .text("\($0.endsOn)"), .text($0.domains.joined(separator: "|")),
                                .int($0.targetTrainees),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }
}

struct CourseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "course", abstract: "The course catalogue.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a course.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Option(name: .customLong("title-fr")) var titleFR: String
        @Option(name: .customLong("title-en")) var titleEN: String
        @Option var domain: String
        @Option var hours: Int
        @Option(name: .customLong("pass-mark")) var passMark = 50
        @Option(name: .customLong("min-attendance")) var minAttendance = 80
        @Option(name: .customLong("validity-months")) var validityMonths: Int?
        @Option var programme: String?
        @Option(name: .customLong("module"), help: "Repeatable: \"Titre FR|Title EN|hours\".") var modules: [String] = []
        @Option(name: .customLong("prerequisite"), help: "Repeatable course code.") var prerequisites: [String] = []

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let parsed = try modules.enumerated().map { index, text in
                    let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 3, let hours = Int(parts[2].trimmingCharacters(in: .whitespaces)) else {
                        throw KalanError.invalid(field: "module[\(index + 1)]", problem: .format(.modules))
                    }
                    return CourseModule(titleFR: parts[0], titleEN: parts[1], hours: hours)
                }
                let c = try await ctx.register.addCourse(
                    .init(
                        code: code, titleFR: titleFR, titleEN: titleEN, domain: domain, hours: hours, passMark: passMark, minAttendance: minAttendance,
                        validityMonths: validityMonths, programmeCode: programme, modules: parsed, prerequisiteCodes: prerequisites),
                    actor: ctx.actor)
                ctx.say("cli.register.course_added", ["code": "\(c.code)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List courses.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let all = try await CatalogueQueries(repository: ctx.repository).courses(actor: ctx.actor).courses
                ctx.print(
                    Listing(
                        columns: ["code", "title", "domain", "hours", "pass_mark", "modules"],
                        cells: all.map {
                            [.text($0.code), .text($0.title(in: ctx.language)), .text($0.domain), .int($0.hours), .int($0.passMark), .int($0.modules.count)]
                        }
                    ).render(output.format))
            }
        }
    }
}
