import ArgumentParser
import KalanCommands

@main
struct Kalan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalan",
        abstract: "Kalan: training programmes and capacity building for the ministry.",
        discussion: "Without KALAN_DATABASE_URL, Kalan runs its own PostgreSQL server in KALAN_DATA_DIR (.kalan/).",
        // `serve` (the HTTP server) lives here, in the composition root; every other command in KalanCommands.
        subcommands: [Serve.self] + CommandList.commands
    )
}
