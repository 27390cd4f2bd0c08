import Foundation

/// HR's view of the notices: what was sent to whom, by which channel, delivered or failed; sending
/// one again; a staff member's language or silence; a department head's contact. HR and admins only.
public struct NoticeDesk: Sendable {
    let outbox: any NoticeOutbox
    let clock: WallClock
    /// The channels a sender is configured for; empty: notices wait, and the pages say so.
    public let channels: [NoticeChannel]
    /// Who signs the convocations (KALAN_CONVOCATION_SIGNATORY); nil: the catalogue's HR director.
    public let signatory: String?

    public init(outbox: any NoticeOutbox, channels: [NoticeChannel], clock: WallClock = .system, signatory: String? = nil) {
        (self.outbox, self.channels, self.clock, self.signatory) = (outbox, channels, clock, signatory)
    }

    /// Today, for the date of a convocation.
    public func today() -> Day { clock.today() }

    public func notices(_ filter: NoticeFilter, actor: Actor) async throws -> [Notice] {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await outbox.notices(filter)
    }

    /// Puts these notices back in the outbox (sent or failed ones; the others are on their way).
    public func resend(ids: [Int64], actor: Actor) async throws -> Int {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await outbox.retry(ids: ids, now: clock.now())
    }

    /// Every failed notice of the filter again.
    public func resendFailed(_ filter: NoticeFilter, actor: Actor) async throws -> Int {
        var failed = filter
        failed.status = .failed
        failed.limit = 10_000
        return try await resend(ids: try await notices(failed, actor: actor).map(\.id), actor: actor)
    }

    public func counts(actor: Actor) async throws -> [NoticeStatus: Int] {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await outbox.counts()
    }

    public func preferences(staffNumber: String, actor: Actor) async throws -> NoticePreferences {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let found = try await outbox.preferences(staffNumber: staffNumber) else { throw KalanError.notFound(.trainee, key: staffNumber) }
        return found
    }

    public func setPreferences(staffNumber: String, _ preferences: NoticePreferences, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        try await outbox.setPreferences(staffNumber: staffNumber, preferences, actor: actor)
    }

    public func departmentContact(code: String, actor: Actor) async throws -> DepartmentContact {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let found = try await outbox.departmentContact(code: code) else { throw KalanError.notFound(.department, key: code) }
        return found
    }

    /// Checks each field (named in the refusal) before anything is kept.
    public func setDepartmentContact(code: String, _ contact: DepartmentContact, actor: Actor) async throws {
        guard actor.managesRegister else { throw KalanError.forbidden }
        var checked = DepartmentContact()
        checked.name = try Validate.text(contact.name, field: "contact_name", max: 200, required: false)
        if let email = contact.email?.nonEmptyNormalisedText {
            guard TextPattern.isEmail(email), email.count <= FieldLimits.email else { throw KalanError.invalid(field: "contact_email", problem: .format(.email)) }
            checked.email = email
        }
        if let phone = contact.phone?.nonEmptyNormalisedText {
            guard TextPattern.isPhone(phone), phone.count <= FieldLimits.phone else { throw KalanError.invalid(field: "contact_phone", problem: .format(.phone)) }
            checked.phone = phone
        }
        try await outbox.setDepartmentContact(code: code, checked, actor: actor)
    }
}
