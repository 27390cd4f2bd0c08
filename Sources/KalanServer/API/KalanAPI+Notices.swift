import Foundation
import KalanCore
import OpenAPIRuntime

/// The notices of a session or a staff member, and sending one again: the NoticeDesk use case of
/// the notices pages and `kalan notices` (HR and admins).
extension KalanAPI {
    func listSessionNotices(_ input: Operations.ListSessionNotices.Input) async throws -> Operations.ListSessionNotices.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let desk = try noticeDesk()
        // The desk's list is empty for an unknown session: the session is looked up first for its 404.
        let session = try await SessionQueries(repository: repository).session(code: input.path.code, actor: actor)
        let notices = try await desk.notices(NoticeFilter(sessionCode: session.code), actor: actor)
        return .ok(.init(body: .json(.init(items: notices.map(Self.schema)))))
    }

    func listTraineeNotices(_ input: Operations.ListTraineeNotices.Input) async throws -> Operations.ListTraineeNotices.Output {
        try ContractLimits.text(input.path.staffNumber, "staffNumber", min: 1, max: FieldLimits.staffNumber)
        let desk = try noticeDesk()
        // The person's notice preferences answer 404 for an unknown staff number (and 403 first).
        _ = try await desk.preferences(staffNumber: input.path.staffNumber, actor: actor)
        let notices = try await desk.notices(NoticeFilter(staffNumber: input.path.staffNumber), actor: actor)
        return .ok(.init(body: .json(.init(items: notices.map(Self.schema)))))
    }

    func retryNotice(_ input: Operations.RetryNotice.Input) async throws -> Operations.RetryNotice.Output {
        let desk = try noticeDesk()
        let count = try await desk.resend(ids: [input.path.id], actor: actor)
        // Unknown, or still on its way (pending, sending, unreachable): nothing to send again.
        guard count > 0 else { throw KalanError.notFound(.notice, key: String(input.path.id)) }
        return .ok(.init(body: .json(.init(retried: count))))
    }

    private func noticeDesk() throws -> NoticeDesk {
        guard actor.managesRegister else { throw KalanError.forbidden }
        guard let notices else { throw KalanError.unavailable }
        return notices
    }

    static func schema(_ n: Notice) -> Components.Schemas.Notice {
        .init(
            id: n.id, session: n.facts.session, staffNumber: n.facts.staffNumber, recipient: .init(rawValue: n.recipient.rawValue)!,
            recipientName: n.recipientName, channel: .init(rawValue: n.channel.rawValue)!, address: n.address, kind: n.kind.rawValue,
            status: .init(rawValue: n.status.rawValue)!, attempts: n.attempts, lastError: n.lastError, createdAt: n.createdAt, sentAt: n.sentAt)
    }
}
