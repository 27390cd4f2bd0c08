import Hummingbird
import KalanCore

/// The staff member's own pages (issue 26), under `/me`: signing in with a code, their trainings,
/// calls for applicants, evaluations. Their own authenticator reads the staff cookie; an account's
/// session means nothing here, and the staff cookie means nothing anywhere else.
struct StaffRoutes: Sendable {
    let repository: any KalanRepository
    let secureCookies: Bool
    let signatory: String?
    let clock: WallClock

    func add(to pages: RouterGroup<KalanRequestContext>) {
        // HR's and leadership's side: the calls from the roster, the evaluations in the statistics.
        CallPages(repository: repository, clock: clock).add(to: pages)
        EvaluationStatisticsPage(evaluations: SessionEvaluations(repository: repository, clock: clock)).add(to: pages)
        let signIn = StaffSignIn(repository: repository, clock: clock)
        let group = pages.group("me").add(middleware: StaffAuthenticator(signIn: signIn)).add(middleware: StaffPageErrorMiddleware())
        let door = StaffSignInPage(signIn: signIn, secureCookies: secureCookies)
        group.get("sign-in") { request, _ in door.show(PageRequest(staff: request)) }
        group.post("sign-in") { request, context in try await door.requestCode(PageRequest(staff: request), address: context.clientAddress) }
        group.get("sign-in/code") { request, _ in PageRequest(staff: request).redirect("/me/sign-in") }
        group.post("sign-in/code") { request, context in try await door.checkCode(PageRequest(staff: request), address: context.clientAddress) }
        group.post("sign-out") { request, _ in try await door.signOut(PageRequest(staff: request)) }
        let trainings = MyTrainingsPage(trainings: MyTrainings(repository: repository, clock: clock), signatory: signatory, clock: clock)
        group.get { request, _ in try await trainings.show(PageRequest(staff: request)) }
        group.get("trainings/:code/convocation.pdf") { request, context in
            try await trainings.convocation(PageRequest(staff: request), code: try PageRoutes.code(context))
        }
        group.get("trainings/:code/invitation.ics") { request, context in
            try await trainings.invitation(PageRequest(staff: request), code: try PageRoutes.code(context))
        }
        let evaluation = MyEvaluationPage(trainings: MyTrainings(repository: repository, clock: clock), evaluations: SessionEvaluations(repository: repository, clock: clock))
        group.get("trainings/:code/evaluation") { request, context in try await evaluation.show(PageRequest(staff: request), code: try PageRoutes.code(context)) }
        group.post("trainings/:code/evaluation") { request, context in try await evaluation.save(PageRequest(staff: request), code: try PageRoutes.code(context)) }
        let calls = MyCallsPage(calls: CallsForApplicants(repository: repository, clock: clock))
        group.get("calls") { request, _ in try await calls.show(PageRequest(staff: request)) }
        group.post("calls/:code/apply") { request, context in try await calls.apply(PageRequest(staff: request), code: try PageRoutes.code(context)) }
        group.post("calls/:code/withdraw") { request, context in try await calls.withdraw(PageRequest(staff: request), code: try PageRoutes.code(context)) }
        for action in ["apply", "withdraw"] {
            group.get("calls/:code/\(action)") { request, _ in PageRequest(staff: request).redirect("/me/calls") }
        }
    }
}
