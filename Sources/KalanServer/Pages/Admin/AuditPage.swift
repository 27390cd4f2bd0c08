import Foundation
import Hummingbird
import KalanCore

/// `/audit`: the audit log for admins, newest first, filtered by who, what (action or record) and
/// when (days, UTC), fifty a page.
struct AuditPage: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository

    struct Row {
        var at, actor: String
        var source: String?
        var action: String
        /// The stored code, kept for the filter ("what") and for a reader who knows it.
        var code, record: String
        var changes: [Change]
        var hasChange: Bool
    }

    /// One field of a change: before → after (only the fields that changed).
    struct Change {
        var field: String
        var before, after: String?
    }

    struct Pager {
        var first, next: String?
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
        let page = PageRequest(request)
        let actor = try page.requireAdmin().actor
        let language = page.language
        let query = request.formQuery
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
                guard let id = Int64(before) else { throw KalanError.invalid(field: "before", problem: .format(.positiveNumber)) }
                filter.before = id
            }
            events = try await AuditLog(repository: repository).events(filter, actor: actor)
        } catch let error as KalanError where error.isFormError {
            form.place(error, language)
        }
        let shown = events.prefix(Self.pageSize)
        let users = try await accounts.users(actor: actor)
        let names = Dictionary(users.map { ($0.username, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        let rows = shown.map { event in
            let changes = Self.changes(before: event.before, after: event.after, language)
            return Row(
                at: Self.time(event.at, language), actor: Self.person(event.actor, names: names, language),
                source: event.source == "cli" || event.actor.hasPrefix("cli:") ? nil : event.source, action: Self.action(event.action, language),
                code: event.action,
                record: [Messages.optionalText("entity.\(event.entity)", language) ?? event.entity, event.entityID].compactMap { $0 }.joined(separator: " "),
                changes: changes, hasChange: !changes.isEmpty)
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
        let day = Day.of(date)
        let seconds = Int(date.timeIntervalSince1970) - day.ordinal * 86_400
        return "\(Format.shortDay(day, language)) \(String(format: "%02d:%02d", seconds / 3600, (seconds % 3600) / 60)) UTC"
    }

    /// An action in words ("Connexion", "Inscription : en liste d'attente"); the code when the
    /// catalogue has no words for it.
    static func action(_ code: String, _ language: Language) -> String {
        let key = code.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
        if let words = Messages.optionalText("admin.audit.action.\(key)", language) { return words }
        let parts = code.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "enrolment", let status = EnrolmentStatus(rawValue: parts[1]) {
            return Messages.text("admin.audit.enrolment_status", language, ["status": status.name(in: language)])
        }
        if parts.count == 2, parts[0] == "assessment", let kind = AssessmentKind(rawValue: parts[1]) {
            return Messages.text("admin.audit.score", language, ["kind": kind.name(in: language)])
        }
        return code
    }

    /// Who, by name: a user's display name, the command line, the public.
    static func person(_ actor: String, names: [String: String], _ language: Language) -> String {
        if actor.hasPrefix("user:") {
            let username = String(actor.dropFirst(5))
            return names[username].map { "\($0) (\(username))" } ?? username
        }
        if actor.hasPrefix("cli:") {
            let account = String(actor.dropFirst(4))
            return account == "unknown" || account.isEmpty
                ? Messages.text("admin.audit.cli_unknown", language) : Messages.text("admin.audit.cli", language, ["account": account])
        }
        if actor.hasPrefix("public:") { return Messages.text("admin.audit.public", language) }
        return actor
    }

    /// The fields that changed, before → after; for a creation or a deletion, what was stored
    /// (without identifiers and version counters, which say nothing to a reader).
    static func changes(before: String?, after: String?, _ language: Language) -> [Change] {
        func object(_ json: String?) -> [String: Any]? {
            json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        let old = object(before), new = object(after)
        if old == nil, new == nil {
            // Not an object (a bare value): shown as it is.
            guard before != nil || after != nil else { return [] }
            return [Change(field: "", before: before, after: after)]
        }
        let noise: Set<String> = ["id", "version", "updatedAt", "createdAt", "updated_at", "created_at"]
        var rows: [Change] = []
        for key in Set((old ?? [:]).keys).union((new ?? [:]).keys).sorted() where !noise.contains(key) {
            let a = old?[key].map { text($0, key: key, language) }, b = new?[key].map { text($0, key: key, language) }
            if old != nil, new != nil, a == b { continue }
            if a == nil && b == nil { continue }
            // Identifiers of other records say nothing to a reader: left out.
            if [a, b].allSatisfy({ $0 == nil || isIdentifier($0!) }) { continue }
            rows.append(Change(field: fieldName(key, language), before: a, after: b))
        }
        return rows
    }

    /// A UUID, or a list of them.
    static func isIdentifier(_ text: String) -> Bool {
        let parts = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
        return !parts.isEmpty && parts.allSatisfy { UUID(uuidString: $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) != nil }
    }

    static func text(_ value: Any, key: String, _ language: Language) -> String {
        if value is NSNull { return "–" }
        if let string = value as? String {
            // Codes of statuses, roles and modes in words.
            switch key {
            case "status":
                return EnrolmentStatus(rawValue: string)?.name(in: language) ?? SessionStatus(rawValue: string)?.name(in: language)
                    ?? AttendanceStatus(rawValue: string)?.name(in: language) ?? string
            case "role": return Role(rawValue: string)?.name(in: language) ?? string
            case "mode": return DeliveryMode(rawValue: string)?.name(in: language) ?? string
            case "country": return Names.country(string, language)
            default: return string
            }
        }
        // Lists and nested records as words, not JSON: "a, b"; "titre : X · heures : 4".
        if let list = value as? [Any] { return list.map { text($0, key: key, language) }.filter { !isIdentifier($0) }.joined(separator: ", ") }
        if let record = value as? [String: Any] {
            return record.keys.sorted().compactMap { name in
                let shown = text(record[name]!, key: name, language)
                return isIdentifier(shown) || shown.isEmpty ? nil : "\(fieldName(name, language)) : \(shown)"
            }.joined(separator: " · ")
        }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) else {
            return "\(value)"
        }
        let json = String(decoding: data, as: UTF8.self)
        switch json {
        case "true": return Messages.text("admin.audit.yes", language)
        case "false": return Messages.text("admin.audit.no", language)
        default: return json
        }
    }

    /// A stored key as the reader knows the field: `startsOn` → "Début".
    static func fieldName(_ key: String, _ language: Language) -> String {
        var snake = ""
        for character in key {
            if character.isUppercase { snake += "_" + character.lowercased() } else { snake.append(character) }
        }
        let name = KalanError.fieldName(snake, language)
        if name != snake { return name }
        return Messages.optionalText("admin.audit.field.\(snake)", language) ?? key
    }
}
