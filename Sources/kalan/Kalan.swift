import ArgumentParser

@main
struct Kalan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalan",
        abstract: "Kalan: training programmes and capacity building for the ministry.",
        discussion: "Without KALAN_DATABASE_URL, Kalan runs its own PostgreSQL server in KALAN_DATA_DIR (.kalan/).",
        subcommands: [
            Serve.self, DatabaseCommand.self, DepartmentCommand.self, TraineeCommand.self, PartnerCommand.self, ProgrammeCommand.self,
            CourseCommand.self, SessionCommand.self, Nominate.self, Approve.self, Enrol.self, Reject.self, Withdraw.self,
            History.self, Attendance.self, Scores.self, Complete.self, ResultsCommand.self, CertificateCommand.self, KeysCommand.self,
            CredentialCommand.self, StatisticsCommand.self, UserCommand.self, TokenCommand.self,
        ]
    )
}
