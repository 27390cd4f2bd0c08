import Foundation

/// What a person may read, by role: the one table every query consults. Trainers see their own
/// sessions (and the people on them) and nothing of the register; viewers read and never write;
/// accounts and the audit log are for admins.
public enum Reading: String, Sendable, CaseIterable {
    /// Sessions: every role, a trainer only the sessions they train.
    case sessions
    /// The staff register: records, searches, department codes.
    case register
    /// Departments, partners, programmes and courses as lists and forms.
    case catalogue
    /// The certificates list and a session's archive.
    case certificates
    /// Names for groups in the statistics (courses, partners, programmes, departments).
    case labels
    /// Accounts and their tokens.
    case accounts
    /// The audit log.
    case audit
}

extension Actor {
    public func may(_ reading: Reading) -> Bool {
        switch reading {
        case .sessions, .labels: true
        case .register, .catalogue, .certificates: role != .trainer
        case .accounts, .audit: role == .admin
        }
    }

    /// Throws `forbidden` unless the actor may read this.
    public func require(_ reading: Reading) throws {
        guard may(reading) else { throw KalanError.forbidden }
    }
}
