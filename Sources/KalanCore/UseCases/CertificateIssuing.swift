import Foundation

/// Rule 5: certificates for completed enrolments only, once each (issuing again returns the
/// same serial); revocation needs a reason and shows wherever the certificate is checked.
public struct CertificateIssuing: Sendable {
    let repository: any KalanRepository
    let issuer: any CredentialIssuer
    let serialPrefix: String
    let publicURL: String
    let clock: WallClock
    /// Bits in one status list: `statusListSize` (tests give fewer to see the next list begin).
    let listSize: Int

    public init(
        repository: any KalanRepository, issuer: any CredentialIssuer, serialPrefix: String = "MCENMA", publicURL: String,
        clock: WallClock = .system, statusListSize: Int = CertificateIssuing.statusListSize
    ) {
        self.listSize = max(1, min(statusListSize, Self.statusListSize))
        self.repository = repository
        self.issuer = issuer
        self.serialPrefix = serialPrefix
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.clock = clock
    }

    public func verificationURL(serial: String) -> String { "\(publicURL)/verify/\(serial)" }

    public struct Issued: Sendable {
        public var certificate: Certificate
        public var content: CertificateContent
        /// False when the enrolment already had this certificate.
        public var isNew: Bool
    }

    @discardableResult
    public func issue(staffNumber: String, sessionCode: String, language: Language = .fr, actor: Actor) async throws -> Issued {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let session = try await work.session(code: sessionCode) else { throw KalanError.notFound(.session, key: sessionCode) }
            guard let trainee = try await work.trainee(staffNumber: staffNumber),
                let enrolment = try await work.enrolment(sessionID: session.id, traineeID: trainee.id)
            else { throw KalanError.notFound(.enrolment, key: "\(staffNumber) / \(sessionCode)") }
            return try await issue(enrolment, session: session, trainee: trainee, language: language, actor: actor, in: work)
        }
    }

    /// Issues every completed enrolment of a session that has none yet; `progress` sees each.
    public func issueSession(code: String, language: Language = .fr, actor: Actor, progress: ProgressReport? = nil) async throws -> [Issued] {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let (session, lines) = try await repository.transaction { work in
            guard let session = try await work.session(code: code) else { throw KalanError.notFound(.session, key: code) }
            return (session, try await work.roster(sessionID: session.id).filter { $0.enrolment.status == .completed })
        }
        var issued: [Issued] = []
        for (index, line) in lines.enumerated() {
            issued.append(
                try await repository.transaction { work in
                    try await issue(line.enrolment, session: session, trainee: line.trainee, language: language, actor: actor, in: work)
                })
            progress?(index + 1, lines.count)
        }
        return issued
    }

    func issue(_ enrolment: Enrolment, session: TrainingSession, trainee: Trainee, language: Language, actor: Actor, in work: any KalanUnitOfWork) async throws -> Issued {
        guard let course = try await work.course(id: session.courseID), let partner = try await work.partner(id: session.partnerID) else {
            throw KalanError.notFound(.course, key: session.code)
        }
        if let existing = try await work.certificate(enrolmentID: enrolment.id) {
            return Issued(certificate: existing, content: content(existing, trainee, course, session, partner, language), isNew: false)
        }
        guard enrolment.status == .completed else { throw KalanError.rule(.notCompleted) }
        try await refuseWithdrawnKey(in: work)
        let issuedOn = clock.today()
        let year = issuedOn.components.year
        var serial = Self.randomSerial(prefix: serialPrefix, year: year)
        while try await work.certificate(serial: serial) != nil { serial = Self.randomSerial(prefix: serialPrefix, year: year) }
        let expiresOn = course.validityMonths.map { issuedOn.adding(months: $0) }
        let bit = try await freeStatusBit(in: work)
        var certificate = Certificate(
            enrolmentID: enrolment.id, serial: serial, issuedOn: issuedOn, expiresOn: expiresOn, credential: "", signingKeyID: issuer.keyID,
            statusIndex: bit.index, statusList: bit.list)
        var content = content(certificate, trainee, course, session, partner, language)
        certificate.credential = try issuer.signedCredential(for: content)
        try await work.publish(signingKeyID: issuer.keyID, publicKeyMultibase: issuer.publicKeyMultibase)
        try await work.insert(certificate)
        try await work.audit(
            AuditEntry(
                actor: actor, action: "certificate.issue", entity: .certificate, entityID: serial,
                after: ["serial": serial, "enrolment": enrolment.id.uuidString, "issued_on": issuedOn.description]))
        return Issued(certificate: certificate, content: content, isNew: true)
    }

    func content(_ c: Certificate, _ trainee: Trainee, _ course: Course, _ session: TrainingSession, _ partner: Partner, _ language: Language) -> CertificateContent {
        CertificateContent(
            serial: c.serial, issuedOn: c.issuedOn, expiresOn: c.expiresOn, trainee: trainee, course: course, session: session, partner: partner,
            language: language, verificationURL: verificationURL(serial: c.serial), statusIndex: c.statusIndex, statusList: c.statusList)
    }

    /// The status list's size in bits: the W3C minimum (16 KiB), so that a list hides who is in it.
    public static let statusListSize = 131_072

    /// Crockford's base 32 (no I, L, O, U): easy to read back from paper.
    static let serialAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// `PREFIX-YEAR-XXXX-XXXX`: 40 random bits, so that serials cannot be enumerated
    /// (one guess in a trillion names a certificate among a thousand), typed in 8 characters.
    public static func randomSerial(prefix: String, year: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<8).map { _ in serialAlphabet[Int.random(in: 0..<serialAlphabet.count, using: &generator)] }
        return "\(prefix)-\(year)-\(String(characters[0..<4]))-\(String(characters[4..<8]))"
    }

    /// A serial as typed: trimmed, upper-cased, and Crockford's look-alikes (O, I, L) read as digits
    /// in the year and the random part.
    public static func normalisedSerial(_ typed: String) -> String {
        // Pasted from a PDF or a message: spaces anywhere, lower case, dashes left out.
        let upper = typed.uppercased().filter { !$0.isWhitespace }
        var parts = upper.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count != 4 {
            // Without (some of) its dashes: the prefix, then the year's four digits and two groups of four.
            let bare = Array(upper.filter { $0 != "-" })
            guard bare.count > 12, bare.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                bare[(bare.count - 12)..<(bare.count - 8)].allSatisfy(\.isNumber)
            else { return upper }
            let end = bare.count
            parts = [String(bare[..<(end - 12)]), String(bare[(end - 12)..<(end - 8)]), String(bare[(end - 8)..<(end - 4)]), String(bare[(end - 4)...])]
        }
        for index in 1...3 {
            parts[index] = String(parts[index].map { $0 == "O" ? "0" : ($0 == "I" || $0 == "L") ? "1" : $0 })
        }
        return parts.joined(separator: "-")
    }

    /// A random free bit of the last status list begun (indexes say nothing of the order of
    /// issue); once its bits are all used, the first bit picked of the next list. Never loops: a
    /// few random draws, then the database picks among the free bits.
    func freeStatusBit(in work: any KalanUnitOfWork) async throws -> (list: Int, index: Int) {
        var (list, used) = try await work.lastStatusList()
        if used >= listSize { list += 1 }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let candidate = Int.random(in: 0..<listSize, using: &generator)
            if try await !work.statusIndexInUse(list: list, index: candidate) { return (list, candidate) }
        }
        if let index = try await work.freeStatusIndex(list: list, size: listSize) { return (list, index) }
        return (list + 1, Int.random(in: 0..<listSize, using: &generator))
    }

    /// Signs the certificate again from today's register (after a change of name, say), keeping
    /// its serial and the language it was issued in (`language` only for a credential that does
    /// not say): the row takes the new credential, with its own id, a proof dated now and a new
    /// status bit; the old credential is kept as superseded and its bit is set, so every copy of
    /// it now reads as revoked. A revoked certificate is not reissued.
    @discardableResult
    public func reissue(serial: String, language: Language? = nil, actor: Actor) async throws -> Issued {
        guard actor.managesRegister else { throw KalanError.forbidden }
        return try await repository.transaction { work in
            guard let (old, trainee, session, course, partner) = try await Self.record(serial: serial, in: work) else {
                throw KalanError.notFound(.certificate, key: serial)
            }
            guard old.revokedAt == nil else { throw KalanError.rule(.alreadyRevoked) }
            try await refuseWithdrawnKey(in: work)
            let signedLanguage = issuer.statement(of: old.credential)?.language ?? language ?? .fr
            var certificate = old
            (certificate.statusList, certificate.statusIndex) = try await freeStatusBit(in: work)
            certificate.signingKeyID = issuer.keyID
            var content = content(certificate, trainee, course, session, partner, signedLanguage)
            content.credentialID = "\(verificationURL(serial: serial))#copy-\(UUID().uuidString.lowercased())"
            content.signedAt = clock.now()
            certificate.credential = try issuer.signedCredential(for: content)
            try await work.publish(signingKeyID: issuer.keyID, publicKeyMultibase: issuer.publicKeyMultibase)
            try await work.supersede(old, with: certificate, by: actor.name)
            try await work.audit(
                AuditEntry(
                    actor: actor, action: "certificate.reissue", entity: .certificate, entityID: serial,
                    before: ["status_index": String(old.statusIndex), "status_list": String(old.statusList)],
                    after: ["status_index": String(certificate.statusIndex), "status_list": String(certificate.statusList)]))
            return Issued(certificate: certificate, content: content, isNew: true)
        }
    }

    /// A withdrawn key signs nothing more.
    func refuseWithdrawnKey(in work: any KalanUnitOfWork) async throws {
        // A key withdrawn under any of its ids (its https id under the profile, its DID URL).
        if try await work.signingKeys().contains(where: { $0.publicKeyMultibase == issuer.publicKeyMultibase && $0.retired }) {
            throw KalanError.rule(.signingKeyWithdrawn)
        }
    }

    /// What `reissueLegacy` did: certificates given a credential with a status entry, and revoked
    /// ones left as they are (revoked stays revoked: no new copy).
    public struct LegacyReissue: Sendable {
        public var reissued: [String] = []
        public var revokedLeft: [String] = []
    }

    /// Reissues every certificate whose stored credential has no status entry (signed before the
    /// status list), one transaction each; `progress` sees each.
    public func reissueLegacy(actor: Actor, progress: ProgressReport? = nil) async throws -> LegacyReissue {
        guard actor.managesRegister else { throw KalanError.forbidden }
        let serials = try await repository.transaction { try await $0.legacySerials() }
        var outcome = LegacyReissue()
        for (index, serial) in serials.enumerated() {
            do {
                try await reissue(serial: serial, actor: actor)
                outcome.reissued.append(serial)
            } catch KalanError.rule(.alreadyRevoked) {
                outcome.revokedLeft.append(serial)
            }
            progress?(index + 1, serials.count)
        }
        return outcome
    }

    /// Withdraws a key after a compromise (admins only, with a reason): it leaves the issuer
    /// profile's assertionMethod. The key this Kalan signs with cannot be withdrawn before a rotation.
    public func retireKey(_ keyID: String, reason: String, actor: Actor) async throws -> Bool {
        guard actor.isAdmin else { throw KalanError.forbidden }
        guard let reason = reason.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            guard try await work.retire(signingKeyID: keyID, reason: reason) else { return false }
            try await work.audit(AuditEntry(actor: actor, action: "signing_key.retire", entity: .certificate, entityID: keyID, after: ["reason": reason]))
            return true
        }
    }

    /// Admins only, with a reason.
    @discardableResult
    public func revoke(serial: String, reason: String, actor: Actor) async throws -> Certificate {
        guard actor.isAdmin else { throw KalanError.forbidden }
        guard let reason = reason.nonEmptyNormalisedText else { throw KalanError.rule(.reasonRequired) }
        return try await repository.transaction { work in
            guard let certificate = try await work.certificate(serial: serial) else { throw KalanError.notFound(.certificate, key: serial) }
            guard certificate.revokedAt == nil else { throw KalanError.rule(.alreadyRevoked) }
            return try await Self.revoke(certificate, reason: reason, actor: actor, at: clock.now(), in: work)
        }
    }

    /// Revokes inside the caller's transaction, with its audit entry: the admin's revocation, and
    /// closing results again when an enrolment is no longer completed (rule 4).
    static func revoke(_ certificate: Certificate, reason: String, actor: Actor, at now: Date, in work: any KalanUnitOfWork) async throws -> Certificate {
        var certificate = certificate
        try await work.revoke(certificateID: certificate.id, by: actor.name, reason: reason)
        try await work.audit(
            AuditEntry(actor: actor, action: "certificate.revoke", entity: .certificate, entityID: certificate.serial, after: ["reason": reason]))
        certificate.revokedAt = now
        certificate.revokedBy = actor.name
        certificate.revokedReason = reason
        return certificate
    }

    /// What anyone may learn about a certificate: no more than the certificate itself shows.
    public struct Verification: Sendable, Codable, Equatable {
        public var serial: String
        public var genuine: Bool
        public var status: Certificate.Status
        public var holder: String
        public var courseCode: String
        public var courseTitle: String
        public var hours: Int
        public var partner: String
        public var sessionStart: Day
        public var sessionEnd: Day
        public var issuedOn: Day
        public var expiresOn: Day?
        public var revokedOn: Day?
        /// Never filled any more: a free-text reason may hold personal data; the public learns only that and when.
        public var revocationReason: String?
        public var verificationURL: String
        /// Signed by a key the ministry withdrew (compromised): not to be trusted, whatever the proof says.
        public var withdrawnKey: Bool = false
    }

    /// Public check by serial: nil when no such certificate.
    public func verify(serial: String, language: Language) async throws -> Verification? {
        try await repository.transaction { work in
            guard let (certificate, trainee, session, course, partner) = try await Self.record(serial: serial, in: work) else { return nil }
            let key = try await work.signingKeys().first { $0.id == certificate.signingKeyID }
            let genuine = key.map { issuer.verify(credential: certificate.credential, publicKeyMultibase: $0.publicKeyMultibase) } ?? false
            let withdrawn = key?.retired ?? false
            // The record is what was signed: the register as it is today only fills what an old credential lacks.
            let signed = issuer.statement(of: certificate.credential)
            return Verification(
                serial: certificate.serial, genuine: genuine, status: certificate.status(on: clock.today()), holder: signed?.holder ?? trainee.fullName,
                courseCode: signed?.courseCode ?? course.code, courseTitle: signed?.title(in: language) ?? course.title(in: language),
                hours: signed?.hours.map { Int($0.rounded()) } ?? course.hours, partner: signed?.partner ?? partner.name,
                sessionStart: signed?.sessionStart ?? session.startsOn, sessionEnd: signed?.sessionEnd ?? session.endsOn,
                issuedOn: certificate.issuedOn, expiresOn: certificate.expiresOn,
                revokedOn: certificate.revokedAt.map { Day.of($0) }, revocationReason: nil,
                verificationURL: verificationURL(serial: certificate.serial), withdrawnKey: withdrawn)
        }
    }

    /// The certificate's content again (for the PDF), by serial.
    public func content(serial: String, language: Language, actor: Actor) async throws -> (Certificate, CertificateContent) {
        try await repository.transaction { work in
            guard let (certificate, trainee, session, course, partner) = try await Self.record(serial: serial, in: work) else {
                throw KalanError.notFound(.certificate, key: serial)
            }
            return (certificate, signedContent(certificate, trainee, course, session, partner, language))
        }
    }

    /// A certificate and what it speaks of (its holder, session, course and partner), by serial.
    static func record(serial: String, in work: any KalanUnitOfWork) async throws -> (Certificate, Trainee, TrainingSession, Course, Partner)? {
        guard let certificate = try await work.certificate(serial: serial),
            let enrolment = try await work.enrolment(id: certificate.enrolmentID),
            let trainee = try await work.trainee(id: enrolment.traineeID),
            let session = try await work.session(id: enrolment.sessionID),
            let course = try await work.course(id: session.courseID),
            let partner = try await work.partner(id: session.partnerID)
        else { return nil }
        return (certificate, trainee, session, course, partner)
    }

    /// The content the PDF prints: what the stored credential signed (holder, title, modules, hours,
    /// dates, partner), the register filling only what an old credential lacks; with the signed
    /// credential itself and the revocation day.
    func signedContent(_ c: Certificate, _ trainee: Trainee, _ course: Course, _ session: TrainingSession, _ partner: Partner, _ language: Language)
        -> CertificateContent
    {
        var content = content(c, trainee, course, session, partner, language)
        content.signedCredential = c.credential
        content.revokedOn = c.revokedAt.map { Day.of($0) }
        guard let signed = issuer.statement(of: c.credential) else { return content }
        let names = signed.holder.split(separator: " ", maxSplits: 1).map(String.init)
        if trainee.fullName != signed.holder {
            content.trainee.givenName = names.first ?? signed.holder
            content.trainee.familyName = names.count > 1 ? names[1] : ""
        }
        if let fr = signed.courseTitleFR { content.course.titleFR = fr }
        if let en = signed.courseTitleEN { content.course.titleEN = en }
        if let hours = signed.hours { content.course.hours = Int(hours.rounded()) }
        if signed.language == language, !signed.modules.isEmpty,
            signed.modules.map(\.title) != course.modules.map({ $0.title(in: language) })
                || signed.modules.map(\.hours) != course.modules.map({ Double($0.hours) })
        {
            content.course.modules = signed.modules.map { CourseModule(titleFR: $0.title, titleEN: $0.title, hours: Int($0.hours.rounded())) }
        }
        if let start = signed.sessionStart { content.session.startsOn = start }
        if let end = signed.sessionEnd { content.session.endsOn = end }
        return content
    }
}
