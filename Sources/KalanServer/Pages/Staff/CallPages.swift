import Foundation
import Hummingbird
import KalanCore

/// HR's side of the calls for applicants, reached from the roster: open (or change) the session's
/// call, read the applications, accept or decline each.
struct CallPages: Sendable {
    let repository: any KalanRepository
    let clock: WallClock

    var calls: CallsForApplicants { CallsForApplicants(repository: repository, clock: clock) }

    func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("sessions/:code/applications") { request, context in try await show(PageRequest(request), code: try PageRoutes.code(context)) }
        group.post("sessions/:code/applications/call") { request, context in try await open(PageRequest(request), code: try PageRoutes.code(context)) }
        group.post("sessions/:code/applications/decision") { request, context in try await decide(PageRequest(request), code: try PageRoutes.code(context)) }
        for action in ["call", "decision"] {
            group.get("sessions/:code/applications/\(action)") { request, context in
                PageRequest(request).redirect("/sessions/\(PageRequest.segment(try PageRoutes.code(context)))/applications")
            }
        }
    }

    struct DepartmentChoice {
        var code, label: String
        var checked: Bool
    }

    struct Line {
        var name, staffNumber, appliedOn, motivation, state, stateCode: String
        var category, reason: String?
        var pending: Bool
        var path, csrf: String
    }

    struct View {
        var code, path, course, csrf: String
        var callSummary: String?
        var closesOn, categories: InputField
        var departments: [DepartmentChoice]
        var departmentsError: String?
        var lines: [Line]
        var hasLines: Bool
    }

    struct Given {
        var closesOn: String?
        var departments: [String]
        var categories: String
    }

    func show(_ page: PageRequest, code: String, given: Given? = nil, error: KalanError? = nil, flash: PageContext.Flash? = nil) async throws -> Response {
        let actor = try page.requireUser().actor
        let (session, call, lines) = try await calls.applications(sessionCode: code, actor: actor)
        let catalogue = CatalogueQueries(repository: repository)
        let departments = try await catalogue.departments(actor: actor)
        let course = try await catalogue.courses(actor: actor).courses.first { $0.id == session.courseID }
        let language = page.language
        let chosenCodes = given?.departments ?? departments.filter { call?.departmentIDs.contains($0.id) == true }.map(\.code)
        func fieldError(_ name: String) -> String? { error?.field == name ? error?.message(in: language) : nil }
        let summary = call.map { call in
            page.t(
                "staff.applications.summary",
                [
                    "closes": Format.day(call.closesOn, language),
                    "departments": call.departmentIDs.isEmpty
                        ? page.t("staff.applications.everyone") : departments.filter { call.departmentIDs.contains($0.id) }.map(\.code).joined(separator: ", "),
                    "categories": call.categories.isEmpty ? page.t("staff.applications.everyone") : call.categories.joined(separator: ", "),
                ])
        }
        let path = PageRequest.segment(session.code)
        let view = View(
            code: session.code, path: path, course: course?.title(in: language) ?? "", csrf: page.csrf, callSummary: summary,
            closesOn: InputField(
                id: "closes_on", name: "closes_on", label: page.t("field.closes_on"), type: "date", value: given?.closesOn ?? call?.closesOn.description ?? "",
                maxlength: 10, required: true, autocomplete: nil, error: fieldError("closes_on")),
            categories: InputField(
                id: "categories", name: "categories", label: page.t("staff.applications.categories_label"), type: "text",
                value: given?.categories ?? call?.categories.joined(separator: ", ") ?? "", maxlength: 100, required: false, autocomplete: nil,
                error: fieldError("categories")),
            departments: departments.map { DepartmentChoice(code: $0.code, label: "\($0.code) · \($0.name(in: language))", checked: chosenCodes.contains($0.code)) },
            departmentsError: fieldError("departments"),
            lines: lines.map { line in
                Line(
                    name: line.trainee.fullName, staffNumber: line.trainee.staffNumber, appliedOn: Format.shortDay(line.application.appliedOn, language),
                    motivation: line.application.motivation, state: page.t("staff.calls.status.\(line.application.status.rawValue)"),
                    stateCode: line.application.status.rawValue, category: line.trainee.category, reason: line.application.reason,
                    pending: line.application.status == .submitted, path: path, csrf: page.csrf)
            }, hasLines: !lines.isEmpty)
        let shownFlash = flash ?? error.map { .bad([$0.message(in: language)]) } ?? MyTrainingsPage.flash(page)
        return page.render("hr_applications", title: page.t("staff.applications.title"), view: view, flash: shownFlash, wide: true, status: error?.status ?? .ok)
    }

    func open(_ page: PageRequest, code: String) async throws -> Response {
        let actor = try page.requireUser().actor
        let form = try await page.form()
        let given = Given(
            closesOn: form["closes_on"], departments: form.all.filter { $0.name.hasPrefix("dept.") }.map { String($0.name.dropFirst(5)) }, categories: form["categories"] ?? "")
        do {
            try await calls.open(
                sessionCode: code, closesOn: given.closesOn, departmentCodes: given.departments,
                categories: given.categories.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init), actor: actor)
        } catch let error as KalanError where error.field != nil {
            return try await show(page, code: code, given: given, error: error)
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))/applications", done: "call_opened")
    }

    func decide(_ page: PageRequest, code: String) async throws -> Response {
        let actor = try page.requireUser().actor
        let form = try await page.form()
        let accept = form["decision"] == "accept"
        guard accept || form["decision"] == "decline" else {
            return try await show(page, code: code, error: .invalid(field: "decision", problem: .oneOf(["accept", "decline"])))
        }
        do {
            _ = try await calls.decide(sessionCode: code, staffNumber: form["staff_number"] ?? "", accept: accept, reason: form["reason"], actor: actor)
        } catch let error as KalanError {
            switch error {
            case .invalid, .rule: return try await show(page, code: code, error: error)
            default: throw error
            }
        }
        return page.redirect("/sessions/\(PageRequest.segment(code))/applications", done: accept ? "accepted" : "declined")
    }
}
