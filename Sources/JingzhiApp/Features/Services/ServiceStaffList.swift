import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The staff's and grid workers' list of the area's applications: filters, overdue first in view, a page at a time.
enum ServiceStaffList {
    static func render(_ req: Request, _ actor: Actor) async throws -> HTML {
        let f = try ServiceQueue.Filter(req)
        let page = try PageRequest(req)
        let queue = ServiceQueue(db: req.db, now: req.now)
        let (rows, total) = try await queue.list(for: actor, f, page: page)
        var overdueFilter = ServiceQueue.Filter()
        overdueFilter.overdue = true
        let (_, overdue) = try await queue.list(for: actor, overdueFilter, page: PageRequest(page: 1, per: 1))
        let catalog = ServiceCatalog(req: req)
        let matters = try await catalog.matters(for: actor, includeRetired: ServiceCatalog.editorRoles.contains(actor.role))
        let owners = try await catalog.owners(matters)
        var links: [HTML] = [
            "<a class=\"button secondary\" href=\"\(SiteURL.Services.index(query: [("overdue", "1")]).path)\">\(req.t("超期督办", "Overdue")) <span class=\"badge\" id=\"overdue-count\">\(overdue)</span></a>",
        ]
        if ServiceAccess.handlerRoles.contains(actor.role) {
            links.append("<a class=\"button secondary\" href=\"\(SiteURL.Services.measures.path)\">\(req.t("办件统计", "Measures"))</a>")
        }
        if ServiceCatalog.editorRoles.contains(actor.role) {
            links.append("<a class=\"button secondary\" href=\"\(SiteURL.Services.newMatter.path)\">\(req.t("新增事项", "New matter"))</a>")
        }
        let states = ServiceState.allCases.map { (value: $0.rawValue, label: $0.label(req.lang)) }
        let lines = rows.map { a -> HTML in
            let due: HTML = a.state.isOpen ? "\(ShanghaiTime.format(a.dueAt))" : .empty
            return """
            <tr><td data-label="\(req.t("受理编号", "Number"))"><a href="\(SiteURL.Services.application(a.id!).path)">\(a.number)</a></td>
            <td data-label="\(req.t("事项", "Matter"))">\(a.matterName)</td><td data-label="\(req.t("居民", "Resident"))">\(a.residentName)</td>
            <td data-label="\(req.t("状态", "State"))">\(ServicePages.stateTag(req, a))</td>
            <td data-label="\(req.t("提交时间", "Submitted"))">\(ShanghaiTime.format(a.submittedAt))</td><td data-label="\(req.t("办理时限", "Due"))">\(due)</td></tr>
            """
        }
        let catalogue = matters.map { m -> HTML in
            "<li>\(ServicePages.ownerTag(req, m, owners))<a href=\"\(SiteURL.Services.matter(m.id!).path)\">\(m.name)</a>\(m.active ? "" : req.t("（已停用）", " (retired)"))</li>"
        }
        let body: HTML = """
        <p class="actions">\(links)</p>
        <form method="get" class="filters card" action="\(SiteURL.Services.index().path)">
        \(Form.select(req.t("状态", "State"), name: "state", options: states, selected: f.state?.rawValue, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("事项", "Matter"), name: "matter", options: matters.map { ($0.id!.uuidString, $0.name) }, selected: f.matterID?.uuidString, includeBlank: req.t("全部", "All")))
        \(Form.field(req.t("受理编号", "Number"), name: "number", value: f.number))
        <label class="check"><input type="checkbox" name="overdue" value="1"\(HTML(raw: f.overdue ? " checked" : ""))> \(req.t("仅看超期", "Overdue only"))</label>
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack" id="applications"><thead><tr><th>\(req.t("受理编号", "Number"))</th><th>\(req.t("事项", "Matter"))</th>
        <th>\(req.t("居民", "Resident"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("提交时间", "Submitted"))</th><th>\(req.t("办理时限", "Due"))</th></tr></thead>
        <tbody>\(lines.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有符合条件的申请", "No applications match"))</td></tr>"] : lines)</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Services.index(query: f.query + [("page", String($0))]).path })
        <h2>\(req.t("办事事项", "Catalogue"))</h2><ul>\(catalogue)</ul>
        """
        return Layout(req: req, title: req.t("便民办事 · 一窗受理", "Service applications"), wide: true).render(body)
    }
}
