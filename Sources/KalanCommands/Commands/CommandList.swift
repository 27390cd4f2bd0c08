import ArgumentParser

/// Every command but `serve`, in the order `kalan --help` lists them (after `serve`).
public enum CommandList {
    public static let commands: [any ParsableCommand.Type] = [
        DatabaseCommand.self, DepartmentCommand.self, TraineeCommand.self, PartnerCommand.self, ProgrammeCommand.self,
        CourseCommand.self, SessionCommand.self, Nominate.self, Approve.self, Enrol.self, Reject.self, Withdraw.self,
        History.self, Attendance.self, Scores.self, Complete.self, ResultsCommand.self, CertificateCommand.self, KeysCommand.self,
        CredentialCommand.self, NoticesCommand.self, StatisticsCommand.self, CallsCommand.self, EvaluationsCommand.self, CostsCommand.self, OffersCommand.self, AbroadCommand.self, UserCommand.self,
        TokenCommand.self,
    ]
}
