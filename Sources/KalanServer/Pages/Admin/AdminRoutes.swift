import Hummingbird
import KalanCore

/// The administration pages: organisation and catalogue, session creation and edit, accounts,
/// one's own password, and the audit log. Each form posts to the address of the page that shows
/// it, so that a form sent after the session expired comes back to the same page.
struct AdminRoutes: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let clock: WallClock

    func add(to group: RouterGroup<KalanRequestContext>) {
        let organisation = OrganisationPages(repository: repository)
        let courses = CoursePages(repository: repository)
        let sessions = SessionEditPages(accounts: accounts, repository: repository)
        let users = AccountPages(accounts: accounts, repository: repository, clock: clock)
        let audit = AuditPage(accounts: accounts, repository: repository)

        group.get("departments") { request, _ in try await organisation.departments(request) }
        group.get("departments/new") { request, _ in try await organisation.showDepartment(request, code: nil) }
        group.post("departments/new") { request, _ in try await organisation.saveDepartment(request, code: nil) }
        group.get("departments/:code") { request, context in try await organisation.showDepartment(request, code: try Self.code(context)) }
        group.post("departments/:code") { request, context in try await organisation.saveDepartment(request, code: try Self.code(context)) }

        group.get("partners") { request, _ in try await organisation.partners(request) }
        group.get("partners/new") { request, _ in try await organisation.showPartner(request, code: nil) }
        group.post("partners/new") { request, _ in try await organisation.savePartner(request, code: nil) }
        group.get("partners/:code") { request, context in try await organisation.showPartner(request, code: try Self.code(context)) }
        group.post("partners/:code") { request, context in try await organisation.savePartner(request, code: try Self.code(context)) }

        group.get("programmes") { request, _ in try await organisation.programmes(request) }
        group.get("programmes/new") { request, _ in try await organisation.showProgramme(request, code: nil) }
        group.post("programmes/new") { request, _ in try await organisation.saveProgramme(request, code: nil) }
        group.get("programmes/:code") { request, context in try await organisation.showProgramme(request, code: try Self.code(context)) }
        group.post("programmes/:code") { request, context in try await organisation.saveProgramme(request, code: try Self.code(context)) }

        group.get("courses") { request, _ in try await courses.list(request) }
        group.get("courses/new") { request, _ in try await courses.show(request, code: nil) }
        group.post("courses/new") { request, _ in try await courses.save(request, code: nil) }
        group.get("courses/:code") { request, context in try await courses.show(request, code: try Self.code(context)) }
        group.post("courses/:code") { request, context in try await courses.save(request, code: try Self.code(context)) }

        group.get("sessions/new") { request, _ in try await sessions.newForm(request) }
        group.post("sessions/new") { request, _ in try await sessions.create(request) }
        group.get("sessions/:code/edit") { request, context in try await sessions.edit(request, code: try PageRoutes.code(context)) }
        group.post("sessions/:code/edit") { request, context in try await sessions.post(request, code: try PageRoutes.code(context)) }

        group.get("users") { request, _ in try await users.list(request) }
        group.get("users/new") { request, _ in try await users.newForm(request) }
        group.post("users/new") { request, _ in try await users.create(request) }
        group.get("users/:username") { request, context in try await users.show(request, username: try Self.username(context)) }
        group.post("users/:username") { request, context in try await users.post(request, username: try Self.username(context)) }
        group.get("account/password") { request, _ in try await users.passwordForm(request) }
        group.post("account/password") { request, context in try await users.changePassword(request, address: context.clientAddress) }

        group.get("audit") { request, _ in try await audit.render(request) }
    }

    /// A code from the path (`DNT`, `TEL-5G`), as stored: uppercase. One too long to exist is not found.
    static func code(_ context: KalanRequestContext) throws -> String {
        let code = try context.parameters.require("code")
        guard code.utf8.count <= 40 else { throw KalanError.notFound(.course, key: String(code.prefix(40))) }
        return code.uppercased()
    }

    static func username(_ context: KalanRequestContext) throws -> String {
        let name = try context.parameters.require("username")
        guard name.utf8.count <= 64 else { throw KalanError.notFound(.user, key: String(name.prefix(64))) }
        return name.lowercased()
    }
}
