import Hummingbird
import KalanCore

/// The training room's pages: the printed sign-in sheet, the signed sheet's scans, and what makes
/// the attendance and scores pages work without a network (script, service worker, manifest).
struct TrainingRoomRoutes: Sendable {
    let repository: any KalanRepository
    let publicURL: String
    let clock: WallClock

    func add(to group: RouterGroup<KalanRequestContext>) {
        OfflineAssets.add(to: group)
        let sheet = SignInSheetPage(repository: repository, publicURL: publicURL)
        group.get("sessions/:code/sign-in-sheet.pdf") { request, context in try await sheet.show(request, code: try PageRoutes.code(context)) }
        let scans = AttendanceScanPage(repository: repository, clock: clock, attendance: AttendancePage(repository: repository, clock: clock))
        group.post("sessions/:code/attendance/scans") { request, context in try await scans.upload(request, code: try PageRoutes.code(context)) }
        group.get("sessions/:code/attendance/scans") { request, context in
            let page = PageRequest(request)
            let day = request.formQuery.get("day").flatMap { Day($0) }.map { "?day=\($0)" } ?? ""
            return page.redirect("/sessions/\(PageRequest.segment(try PageRoutes.code(context)))/attendance\(day)")
        }
        group.get("sessions/:code/attendance/scans/:id") { request, context in
            try await scans.file(request, code: try PageRoutes.code(context), id: try context.parameters.require("id"))
        }
    }
}
