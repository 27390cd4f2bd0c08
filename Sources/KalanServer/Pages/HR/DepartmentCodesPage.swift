import Hummingbird
import KalanCore

/// The departments and their codes, for whoever prepares an import: the department column takes
/// the code or the French or English name.
struct DepartmentCodesPage: Sendable {
    let repository: any KalanRepository

    struct Row {
        var code, nameFR, nameEN, parent: String
    }

    struct View { var rows: [Row] }

    func render(_ request: Request) async throws -> Response {
        let page = PageRequest(request)
        let departments = try await CatalogueQueries(repository: repository).departments(actor: try page.requireUser().actor)
        let codes = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0.code) })
        let rows = departments.map { Row(code: $0.code, nameFR: $0.nameFR, nameEN: $0.nameEN, parent: $0.parentID.flatMap { codes[$0] } ?? "") }
        return page.render("hr_departments", title: page.t("hr.departments.title"), view: View(rows: rows), wide: true)
    }
}
