import Hummingbird
import KalanCore

/// The cooperation pages (issue 27): a session's costs, the money statistics, partners' offers, the files abroad.
struct CooperationRoutes: Sendable {
    let repository: any KalanRepository
    let readRepository: any KalanRepository
    let clock: WallClock

    func add(to group: RouterGroup<KalanRequestContext>) {
        let costs = SessionCostsPage(repository: repository)
        group.get("sessions/:code/costs") { request, context in try await costs.show(request, code: try PageRoutes.code(context)) }
        group.post("sessions/:code/costs") { request, context in try await costs.add(request, code: try PageRoutes.code(context)) }
        group.post("sessions/:code/costs/remove") { request, context in try await costs.remove(request, code: try PageRoutes.code(context)) }
        // After a login, a form's address is opened with GET: show the costs.
        group.get("sessions/:code/costs/remove") { request, context in
            PageRequest(request).redirect("/sessions/\(PageRequest.segment(try PageRoutes.code(context)))/costs")
        }
        let money = MoneyStatisticsPage(repository: readRepository)
        group.get("statistics/costs") { request, _ in try await money.page(request) }
        group.get("statistics/costs.csv") { request, _ in try await money.download(request, xlsx: false) }
        group.get("statistics/costs.xlsx") { request, _ in try await money.download(request, xlsx: true) }
        let offers = OffersPage(repository: repository, clock: clock)
        group.get("offers") { request, _ in try await offers.list(request) }
        group.get("offers/new") { request, _ in try await offers.showNew(request) }
        group.post("offers/new") { request, _ in try await offers.create(request) }
        group.post("offers/release") { request, _ in try await offers.release(request) }
        group.post("offers/:code/share") { request, context in try await offers.share(request, code: try context.parameters.require("code")) }
        group.post("offers/:code/session") { request, context in try await offers.session(request, code: try context.parameters.require("code")) }
        for action in ["release", ":code/share", ":code/session"] {
            group.get("offers/\(action)") { request, _ in PageRequest(request).redirect("/offers") }
        }
        let abroad = AbroadPages(repository: repository, clock: clock)
        group.get("abroad") { request, _ in try await abroad.list(request) }
        group.get("abroad/new") { request, _ in try await abroad.showOpen(request) }
        group.post("abroad/new") { request, _ in try await abroad.open(request) }
        group.get("abroad/:id") { request, context in try await abroad.show(request, id: try context.parameters.require("id")) }
        group.post("abroad/:id/resumption") { request, context in try await abroad.resume(request, id: try context.parameters.require("id")) }
        group.post("abroad/:id/extension") { request, context in try await abroad.extend(request, id: try context.parameters.require("id")) }
        group.post("abroad/:id/report") { request, context in try await abroad.upload(request, id: try context.parameters.require("id")) }
        group.get("abroad/:id/report") { request, context in try await abroad.download(request, id: try context.parameters.require("id")) }
        // After a login, a form's address is opened with GET: show the file.
        for action in ["resumption", "extension"] {
            group.get("abroad/:id/\(action)") { request, context in
                PageRequest(request).redirect("/abroad/\(PageRequest.segment(try context.parameters.require("id")))")
            }
        }
    }
}
