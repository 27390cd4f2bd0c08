import Foundation
import Hummingbird
import KalanCore

/// `/audit`: the audit log for admins, newest first, filtered by who, what (action or record) and
/// when (days, UTC), fifty a page.
struct AuditPage: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    struct Row {
        var at: String
        var actor: String
        var source: String?
        var action: String
        var record: String
        var before: String?
        var after: String?
        var hasChange: Bool
    }

    struct Pager {
        var first: String?
        var next: String?
    }

    struct View {
        var fields: [FormField]
        var events: [Row]
        var hasEvents: Bool
        var count: String
        var pager: Pager?
    }

    static let pageSize = 50

    func render(_ request: Request) async throws -> Response {
        let page = try await accounts.page(request)
        let actor = try page.requireAdmin().actor
        let language = page.language
        let query = request.uri.queryParameters
        let who = query.get("who").map { String($0) } ?? ""
        let what = query.get("what").map { String($0) } ?? ""
        let fromText = query.get("from").map { String($0) } ?? ""
        let toText = query.get("to").map { String($0) } ?? ""
        var form = AdminForm([
            .text("who", page.t("admin.audit.who"), who, max: 100), .text("what", page.t("admin.audit.what"), what, max: 100),
            .text("from", page.t("admin.audit.from"), fromText, max: 10, type: "date"), .text("to", page.t("admin.audit.to"), toText, max: 10, type: "date"),
        ])
        var filter = AuditFilter(actor: who, action: what, limit: Self.pageSize + 1)
        var events: [AuditEvent] = []
        do {
            if !fromText.isEmpty { filter.from = try Validate.day(fromText, field: "from").startOfDay }
            if !toText.isEmpty { filter.to = try Validate.day(toText, field: "to").adding(days: 1).startOfDay }
            if let before = query.get("before") {
                guard let id = Int64(before) else { throw KalanError.invalid(field: "before", problem: .format(expected: "1, 2, 3…")) }
                filter.before = id
            }
            events = try await AuditLog(repository: repository).events(filter, actor: actor)
        } catch let error as KalanError where error.isFormError {
            form.place(error, language)
        }
        let shown = events.prefix(Self.pageSize)
        let rows = shown.map { event in
            Row(
                at: Self.time(event.at, language), actor: event.actor, source: event.source, action: event.action,
                record: [Messages.optionalText("entity.\(event.entity)", language) ?? event.entity, event.entityID].compactMap { $0 }.joined(separator: " "),
                before: event.before.map(Self.pretty), after: event.after.map(Self.pretty), hasChange: event.before != nil || event.after != nil)
        }
        var base = "/audit?lang=\(language.rawValue)"
        for (name, value) in [("who", who), ("what", what), ("from", fromText), ("to", toText)] where !value.isEmpty {
            base += "&\(name)=\(PageRequest.encode(value))"
        }
        let more = events.count > Self.pageSize
        let pager = Pager(first: filter.before == nil ? nil : base, next: more ? shown.last.map { "\(base)&before=\($0.id)" } : nil)
        let view = View(
            fields: form.fields, events: Array(rows), hasEvents: !rows.isEmpty,
            count: page.t(more ? "pager.count_more" : "pager.count", ["count": String(rows.count)]), pager: pager.first == nil && pager.next == nil ? nil : pager)
        return page.render(
            "audit", title: page.t("admin.audit.title"), view: view, flash: form.flash, wide: true, status: form.fields.contains { $0.error != nil } ? .unprocessableContent : .ok)
    }

    /// `28/11/2026 14:03 UTC` / `2026-11-28 14:03 UTC`.
    static func time(_ date: Date, _ language: Language) -> String {
        let day = Day.today(date)
        let seconds = Int(date.timeIntervalSince1970) - day.ordinal * 86_400
        return "\(Format.shortDay(day, language)) \(String(format: "%02d:%02d", seconds / 3600, (seconds % 3600) / 60)) UTC"
    }

    /// The stored JSON, indented for reading.
    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
