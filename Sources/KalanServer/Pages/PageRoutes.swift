import Hummingbird
import KalanCore

/// Every page's address, on one router group whose errors go through `PageErrorMiddleware`.
/// A form posts to the address of the page that shows it, so that after a login the person comes
/// back to the same page.
struct PageRoutes: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    /// Statistics read here (a standby when one is configured).
    let readRepository: any KalanRepository
    let secureCookies: Bool
    let clock: WallClock

    func add(to group: RouterGroup<KalanRequestContext>) {
        SessionPages(accounts: accounts, secureCookies: secureCookies).addRoutes(to: group)
        AdminRoutes(accounts: accounts, repository: repository, clock: clock).add(to: group)
        let roster = RosterPage(repository: repository, clock: clock)
        let actions = RosterActions(repository: repository, roster: roster, clock: clock)
        let attendance = AttendancePage(repository: repository, clock: clock)
        let scores = ScoresPage(repository: repository)
        let results = ResultsPage(repository: repository)
        let list = SessionListPage(repository: repository)
        group.get("sessions") { request, _ in try await list.render(request) }
        group.get("sessions/:code") { request, context in try await roster.render(request, code: try Self.code(context)) }
        group.post("sessions/:code/enrolments") { request, context in try await actions.enrol(request, code: try Self.code(context)) }
        group.post("sessions/:code/decision") { request, context in try await actions.decide(request, code: try Self.code(context)) }
        group.get("sessions/:code/attendance") { request, context in try await attendance.show(request, code: try Self.code(context)) }
        group.post("sessions/:code/attendance") { request, context in try await attendance.save(request, code: try Self.code(context)) }
        group.get("sessions/:code/scores") { request, context in try await scores.show(request, code: try Self.code(context)) }
        group.post("sessions/:code/scores") { request, context in try await scores.save(request, code: try Self.code(context)) }
        group.get("sessions/:code/results") { request, context in try await results.show(request, code: try Self.code(context)) }
        group.post("sessions/:code/results/close") { request, context in try await results.close(request, code: try Self.code(context)) }
        group.post("sessions/:code/results/reopen") { request, context in try await results.reopen(request, code: try Self.code(context)) }
        // After a login, a form's address is opened with GET: show the page it belongs to.
        for action in ["enrolments", "decision", "results/close", "results/reopen"] {
            group.get("sessions/:code/\(action)") { request, context in
                let page = PageRequest(request)
                let target = action.hasPrefix("results") ? "/results" : ""
                return page.redirect("/sessions/\(PageRequest.segment(try Self.code(context)))\(target)")
            }
        }
        HRRoutes(accounts: accounts, repository: repository, clock: clock).add(to: group, actions: actions)
        let register = RegisterPage(repository: repository)
        group.get("trainees") { request, _ in try await register.list(request) }
        group.post("trainees/import") { request, _ in try await register.importSheet(request) }
        group.get("trainees/import") { request, _ in PageRequest(request).redirect("/trainees") }
        let trainee = TraineePage(repository: repository, clock: clock)
        group.get("trainees/:staffNumber") { request, context in
            try await trainee.render(request, staffNumber: try context.parameters.require("staffNumber"))
        }
        let statistics = StatisticsPage(repository: readRepository)
        group.get("statistics") { request, _ in try await statistics.page(request) }
        group.get("statistics/cohorts.csv") { request, _ in try await statistics.download(request, xlsx: false) }
        group.get("statistics/cohorts.xlsx") { request, _ in try await statistics.download(request, xlsx: true) }
        CooperationRoutes(repository: repository, readRepository: readRepository, clock: clock).add(to: group)
    }

    /// A session code from the path; one too long to exist is simply not found.
    static func code(_ context: KalanRequestContext) throws -> String {
        let code = try context.parameters.require("code")
        guard code.utf8.count <= 40 else { throw KalanError.notFound(.session, key: String(code.prefix(40))) }
        return code
    }
}
