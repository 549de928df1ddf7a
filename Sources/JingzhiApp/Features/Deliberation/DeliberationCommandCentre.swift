import Fluent
import JingzhiCore
import Vapor

/// The command centre's deliberation panel: this month's measures of the communities under the desk's node (the
/// busiest eight, then the total), from `TopicService.measures`, for reviewers.
enum DeliberationCommandCentre {
    static func section(_ req: Request, node: OrgNode?) async throws -> HTML? {
        guard let actor = req.actor, TopicRole(actor) == .reviewer else { return nil }
        let month = ShanghaiTime.currentMonth(req.now)
        // A grid or compound shows its community's figures.
        var place = node
        if let n = node, [NodeKind.grid, .compound].contains(n.kind) { place = try await TopicService(req: req).community(of: n) }
        let m = try await TopicService(req: req).measures(month: month, node: place, for: actor)
        guard !m.rows.isEmpty else { return nil }
        let busiest = m.rows.sorted { ($0.raised + $0.decided + $0.ratings, $1.name) > ($1.raised + $1.decided + $1.ratings, $0.name) }.prefix(8)
        let pct = DeliberationMeasuresPages.percent
        let row = { (r: DeliberationMeasureRow, name: String) -> HTML in
            "<tr><th scope=\"row\">\(name)</th><td>\(r.raised)</td><td>\(pct(r.reviewedShare))</td><td>\(r.decided)</td><td>\(pct(r.onTimeShare))</td><td>\(pct(r.satisfaction))</td></tr>"
        }
        let more = SiteURL.Deliberation.measures(query: [("month", month), ("node", place?.id?.uuidString ?? "")]).path
        return """
        <section class="card" id="cc-deliberation"><h2>\(req.t("议事", "Deliberation")) · \(month) <a class="cc-more" href="\(more)">\(req.t("全部", "All"))</a></h2>
        <div class="table-wrap"><table class="list"><thead><tr><th>\(req.t("社区", "Community"))</th><th>\(req.t("提出议题", "Raised"))</th>
        <th>\(req.t("7 天内答复", "Answered in 7 days"))</th><th>\(req.t("形成决议", "Decided"))</th><th>\(req.t("按期完成", "On time"))</th><th>\(req.t("满意率", "Satisfaction"))</th></tr></thead>
        <tbody>\(busiest.map { row($0, $0.name) })</tbody><tfoot>\(row(m.total, req.t("合计", "Total")))</tfoot></table></div></section>
        """
    }
}
