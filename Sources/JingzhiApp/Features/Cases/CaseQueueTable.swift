import Fluent
import JingzhiCore
import Vapor

/// The table of the case list: number, category, words, place, received, deadline, handler, state; on a phone
/// each row becomes a card (`table.stack`). Dispatchers tick accepted cases to dispatch them together.
enum CaseQueueTable {
    static func render(_ req: Request, _ actor: Actor, rows: [Case]) async throws -> HTML {
        let categories = Dictionary(uniqueKeysWithValues: try await CaseCategory.query(on: req.db).all().map { ($0.code, $0.name) })
        let nodeIDs = Array(Set(rows.map(\.nodeID) + rows.compactMap(\.handlerNodeID)))
        let nodes = Dictionary(uniqueKeysWithValues: try await OrgNode.query(on: req.db).filter(\.$id ~~ nodeIDs).all().map { ($0.id!, $0.name) })
        let deptIDs = Array(Set(rows.compactMap(\.handlerDepartmentID)))
        var departments: [UUID: String] = [:]
        if !deptIDs.isEmpty {
            for d in try await Department.query(on: req.db).filter(\.$id ~~ deptIDs).all() { departments[d.id!] = d.name }
        }
        let bulk = CaseMachine.dispatchers.contains(actor.role) && rows.contains { CaseMachine.rule(.dispatch).from.contains($0.state) }
        let now = req.now
        let head: [String] = [req.t("编号", "Number"), req.t("类别", "Category"), req.t("内容", "What"), req.t("地点", "Place"),
                              req.t("受理时间", "Received"), req.t("办结时限", "Due"), req.t("承办单位", "Handler"), req.t("状态", "State")]
        let body: [HTML] = rows.map { c in
            let overdue = c.state.isOpen && c.state != .replied && (c.resolutionOverdueAt != nil || (c.resolutionDueAt.map { $0 < now } ?? false))
            let handler = c.handlerDepartmentID.flatMap { departments[$0] }
                ?? c.handlerNodeID.flatMap { nodes[$0] }.map { "\($0)（\(c.handlerLevel.label(req.lang))）" } ?? c.handlerLevel.label(req.lang)
            let cells: [(String, HTML)] = [
                (head[1], "\(categories[c.categoryCode] ?? c.categoryCode)"),
                (head[2], "\(String(c.description.prefix(40)))"),
                (head[3], "\(nodes[c.nodeID] ?? "")"),
                (head[4], "\(c.createdAt.map { ShanghaiTime.format($0) } ?? "")"),
                (head[5], "\(c.resolutionDueAt.map { ShanghaiTime.format($0) } ?? "")\(overdue ? HTML(" <b class=\"overdue\">\(req.t("超期", "overdue"))</b>") : .empty)"),
                (head[6], "\(handler)"),
                (head[7], "\(req.lang.t(c.state.zh, c.state.en))"),
            ]
            return """
            <tr\(HTML(raw: overdue ? " class=\"late\"" : ""))>\(bulk ? HTML("<td><input type=\"checkbox\" name=\"ids[]\" value=\"\(c.id)\" aria-label=\"\(c.number)\"></td>") : .empty)<td data-label="\(head[0])"><a href="\(SiteURL.Cases.detail(c.id!).path)">\(c.number)</a></td>\(cells.map { label, value in HTML("<td data-label=\"\(label)\">\(value)</td>") })</tr>
            """
        }
        let empty: HTML = "<tr><td colspan=\"\(head.count + (bulk ? 1 : 0))\" class=\"muted\">\(req.t("没有诉求", "No cases"))</td></tr>"
        let table: HTML = """
        <div class="table-wrap"><table class="stack"><thead><tr>\(bulk ? HTML("<th><span class=\"visually-hidden\">\(req.t("选择", "Select"))</span></th>") : .empty)\(head.map { HTML("<th>\($0)</th>") })</tr></thead>
        <tbody>\(rows.isEmpty ? [empty] : body)</tbody></table></div>
        """
        guard bulk else { return table }
        return """
        <form method="post" action="\(SiteURL.Cases.bulk.path)">\(Form.csrf(req))
        \(table)
        <div class="actions">\(Form.select(req.t("批量交办给", "Dispatch the ticked cases to"), name: "unit",
                                              options: try await DispatchUnit.bulkOptions(for: actor, on: req.db, lang: req.lang).map { ($0.value, $0.label) },
                                              selected: "level:grid", required: true))
        <button>\(req.t("批量交办", "Dispatch"))</button></div></form>
        """
    }
}
