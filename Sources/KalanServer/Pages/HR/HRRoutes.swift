import Hummingbird
import KalanCore

/// HR's addresses added by issue 12: confirmation of destructive roster changes, adding and
/// editing staff, the department codes for imports.
struct HRRoutes: Sendable {
    let accounts: Accounts
    let repository: any KalanRepository
    let clock: WallClock

    func add(to group: RouterGroup<KalanRequestContext>, actions: RosterActions) {
        group.get("sessions/:code/confirm") { request, context in try await actions.confirmation(request, code: try PageRoutes.code(context)) }
        let departments = DepartmentCodesPage(repository: repository)
        group.get("trainees/departments") { request, _ in try await departments.render(request) }
        let form = TraineeFormPage(repository: repository)
        group.get("trainees/new") { request, _ in try await form.showNew(request) }
        group.post("trainees/new") { request, _ in try await form.create(request) }
        group.get("trainees/:staffNumber/edit") { request, context in try await form.showEdit(request, staffNumber: try Self.staff(context)) }
        group.post("trainees/:staffNumber/edit") { request, context in try await form.save(request, staffNumber: try Self.staff(context)) }
        group.get("trainees/:staffNumber/deactivate") { request, context in
            try await form.confirmDeactivation(request, staffNumber: try Self.staff(context))
        }
        group.post("trainees/:staffNumber/active") { request, context in try await form.setActive(request, staffNumber: try Self.staff(context)) }
        // After a login, a form's address is opened with GET: show the staff member.
        group.get("trainees/:staffNumber/active") { request, context in
            PageRequest(request).redirect("/trainees/\(PageRequest.segment(try Self.staff(context)))")
        }
    }

    static func staff(_ context: KalanRequestContext) throws -> String {
        let staff = try context.parameters.require("staffNumber")
        guard staff.utf8.count <= 32 else { throw KalanError.notFound(.trainee, key: String(staff.prefix(32))) }
        return staff
    }
}
