import Foundation
import Hummingbird
import KalanCore

/// A participant's say on a session, once, after its last day: four marks (1 to 5) and a comment,
/// kept without their name.
struct MyEvaluationPage: Sendable {
    let trainings: MyTrainings
    let evaluations: SessionEvaluations

    struct Choice {
        var name: String
        var value: Int
        var checked: Bool
    }

    struct Question {
        var name, label: String
        var choices: [Choice]
        var error: String?
    }

    struct View {
        var code, path, course, dates: String
        var questions: [Question]
        var comment: String
        var commentError: String?
        var csrf: String
    }

    static let questions = ["content", "trainer", "organisation", "usefulness"]

    func show(_ page: PageRequest, code: String, given: [String: String] = [:], error: KalanError? = nil) async throws -> Response {
        let member = try page.requireStaff()
        let line = try await trainings.line(sessionCode: code, for: member)
        guard line.mayEvaluate else {
            // Answered already, or not yet over: back to the list, which says which.
            return page.redirect("/me")
        }
        let language = page.language
        let view = View(
            code: line.session.code, path: PageRequest.segment(line.session.code), course: line.course?.title(in: language) ?? line.session.code,
            dates: Format.span(line.session.startsOn, line.session.endsOn, language),
            questions: Self.questions.map { name in
                Question(
                    name: name, label: page.t("staff.evaluation.question.\(name)"),
                    choices: (1...5).map { Choice(name: name, value: $0, checked: given[name] == String($0)) },
                    error: error?.field == name ? error?.message(in: language) : nil)
            }, comment: given["comment"] ?? "", commentError: error?.field == "comment" ? error?.message(in: language) : nil, csrf: page.csrf)
        let flash: PageContext.Flash? = error.map { .bad([$0.message(in: language)]) }
        return page.render("my_evaluation", title: page.t("staff.evaluation.title"), view: view, flash: flash, status: error?.status ?? .ok)
    }

    func save(_ page: PageRequest, code: String) async throws -> Response {
        let member = try page.requireStaff()
        let form = try await page.staffForm()
        var given: [String: String] = [:]
        for name in Self.questions + ["comment"] { given[name] = form[name].map { String($0.prefix(2000)) } }
        do {
            try await evaluations.answer(
                sessionCode: code,
                form: .init(content: given["content"], trainer: given["trainer"], organisation: given["organisation"], usefulness: given["usefulness"], comment: given["comment"]),
                member: member)
        } catch let error as KalanError where error.field != nil {
            return try await show(page, code: code, given: given.mapValues(StaffSignInPage.shown), error: error)
        }
        return page.redirect("/me", done: "evaluated")
    }
}
