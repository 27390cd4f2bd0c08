import ArgumentParser
import Foundation
import KalanCore

/// `kalan offers`: partners' offers of places, shared among departments, turned into sessions,
/// released to everyone on their day.
struct OffersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offers", abstract: "Partners' offers of places: shares per department, sessions, release of unused places.",
        subcommands: [Add.self, List.self, Share.self, Session.self, ReleaseDue.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a partner's offer.")
        @OptionGroup var global: GlobalOptions
        @Argument var code: String
        @Option var partner: String
        @Option var course: String
        @Option var title: String
        @Option var city: String?
        @Option(help: "ISO 3166-1 alpha-2 (ML at home).") var country: String
        @Option var places: Int
        @Option(name: .customLong("from"), help: "YYYY-MM-DD") var startsOn: String
        @Option(name: .customLong("to"), help: "YYYY-MM-DD") var endsOn: String
        @Option(help: "Nominations close, YYYY-MM-DD.") var deadline: String
        @Option(help: "Unused shares go to everyone on this day, YYYY-MM-DD.") var releaseOn: String
        @Option(help: "What the partner pays, comma-separated: tuition, travel, allowances, lodging, venue, other.") var partnerPays = ""

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let offer = try await OfferPlaces(repository: ctx.repository, clock: ctx.clock).create(
                    OfferInput(
                        code: code, partner: partner, course: course, title: title, city: city, country: country, places: places, startsOn: startsOn, endsOn: endsOn,
                        deadline: deadline, releaseOn: releaseOn, partnerPays: partnerPays.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }),
                    actor: ctx.actor)
                ctx.say("cli.offers.added", ["code": offer.code, "places": "\(offer.places)"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Offers with their places, shares taken and sessions.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let offers = try await OfferPlaces(repository: ctx.repository, clock: ctx.clock).list(actor: ctx.actor)
                ctx.print(
                    Listing(
                        columns: ["code", "partner", "course", "country", "places", "shared", Column("release_on", key: "releaseOn"), "released", "shares", "sessions"],
                        cells: offers.map { o in
                            [
                                .text(o.code), .text(o.partnerCode), .text(o.courseCode), .text(o.country), .int(o.places), .int(o.shared), .text("\(o.releaseOn)"),
                                .bool(o.releasedAt != nil), .text(o.shares.map { "\($0.departmentCode) \($0.taken)/\($0.places)" }.joined(separator: "; ")),
                                .text(o.sessionCodes.joined(separator: " ")),
                            ]
                        }
                    ).render(output.format))
            }
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a department a share of an offer's places (0 takes it back).")
        @OptionGroup var global: GlobalOptions
        @Argument var offer: String
        @Argument var department: String
        @Argument var places: Int

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let o = try await OfferPlaces(repository: ctx.repository, clock: ctx.clock).share(
                    offerCode: offer, departmentCode: department, places: places, actor: ctx.actor)
                ctx.say("cli.offers.shared", ["code": o.code, "shared": "\(o.shared)", "places": "\(o.places)"])
            }
        }
    }

    struct Session: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn an offer into a session (its course, partner, place, dates, places as seats).")
        @OptionGroup var global: GlobalOptions
        @Argument var offer: String
        @Argument(help: "The new session's code.") var session: String

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let s = try await OfferPlaces(repository: ctx.repository, clock: ctx.clock).createSession(offerCode: offer, sessionCode: session, actor: ctx.actor)
                ctx.say("cli.session.added", ["code": s.code, "capacity": "\(s.capacity)"])
            }
        }
    }

    struct ReleaseDue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-due", abstract: "Release the offers whose day has come: their unused places go to everyone (run it daily).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let released = try await OfferPlaces(repository: ctx.repository, clock: ctx.clock).releaseDue(actor: ctx.actor)
                ctx.say("cli.offers.released", ["count": "\(released.count)", "codes": released.joined(separator: ", ")])
            }
        }
    }
}
