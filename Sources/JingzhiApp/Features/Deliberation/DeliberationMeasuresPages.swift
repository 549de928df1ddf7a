import Fluent
import JingzhiCore
import Vapor

/// The deliberation measures per community and month: a staff page (`/topics/measures`) and
/// `GET /api/v1/deliberation/measures`, both from `TopicService.measures`.
enum DeliberationMeasuresPages {
    static func register(staff: any RoutesBuilder, api: any RoutesBuilder) {
        staff.get(SiteURL.Deliberation.Pattern.measures, use: page)
        api.get("deliberation", "measures", use: read)
    }

    /// The month (`month=yyyy-MM`, default this month) and the node (`node=` id or code, default the whole scope).
    static func load(_ req: Request, _ actor: Actor) async throws -> DeliberationMeasures {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        let raw = try req.query.get(String?.self, at: "month").flatMap { $0.isEmpty ? nil : $0 }
        let month = try raw.map { try ShanghaiTime.parseMonth($0) } ?? ShanghaiTime.currentMonth(req.now)
        let filter = try await TopicFilter(req, actor)
        return try await TopicService(req: req).measures(month: month, node: filter.node, for: actor)
    }

    @Sendable static func read(req: Request) async throws -> DeliberationMeasures {
        try await load(req, try req.requireActor())
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try TopicPages.participant(req)
        let m = try await load(req, actor)
        let row = { (r: DeliberationMeasureRow, name: String) -> HTML in
            """
            <tr><th scope="row">\(name)</th><td>\(r.raised)</td><td>\(r.reviewedWithin7Days) · \(percent(r.reviewedShare))</td><td>\(r.accepted)</td>
            <td>\(r.decided)</td><td>\(r.itemsOnTime)/\(r.itemsDue) · \(percent(r.onTimeShare))</td><td>\(r.satisfied)/\(r.ratings) · \(percent(r.satisfaction))</td></tr>
            """
        }
        let body = m.rows.map { row($0, $0.name) }
        let months = (0..<12).map { ShanghaiTime.month(ShanghaiTime.currentMonth(req.now), plus: -$0) }
        return Layout(req: req, title: req.t("议事统计", "Deliberation measures"), wide: true).render("""
        <form method="get" action="\(SiteURL.Deliberation.measures(query: []).path)" class="filters">
        \(Form.select(req.t("月份", "Month"), name: "month", options: months.map { ($0, $0) }, selected: m.month))
        <input type="hidden" name="node" value="\(m.nodeId)">
        <button>\(req.t("查看", "Show"))</button></form>
        <div class="table-wrap"><table class="stack"><caption>\(req.t("\(m.month) 各社区议事情况", "Deliberation by community, \(m.month)"))</caption>
        <thead><tr><th>\(req.t("社区", "Community"))</th><th>\(req.t("提出议题", "Raised"))</th><th>\(req.t("7 天内答复", "Answered within 7 days"))</th>
        <th>\(req.t("受理议事", "Accepted"))</th><th>\(req.t("形成决议", "Decided"))</th><th>\(req.t("事项按期完成", "Items done on time"))</th>
        <th>\(req.t("满意率", "Satisfaction"))</th></tr></thead>
        <tbody>\(body.isEmpty ? ["<tr><td colspan=\"7\" class=\"muted\">\(req.t("范围内没有社区", "No community in your area"))</td></tr>"] : body)</tbody>
        <tfoot>\(row(m.total, req.t("合计", "Total")))</tfoot></table></div>
        <p class="muted">\(req.t("提出议题：当月发起的议题；7 天内答复：其中 7 天内受理、不予采纳、合并或转为诉求的；受理议事：其中已受理的；形成决议：当月记录的决议；事项按期完成：当月到期的协商事项中在期限内完成（转诉求的以诉求办结为准）；满意率：当月评议中满意与基本满意所占比例。",
                                 "Raised: topics raised in the month; answered within 7 days: of those, accepted, declined, merged or converted within 7 days; accepted: of those, accepted so far; decided: decisions recorded in the month; items on time: items due in the month done by their deadline (an item's case closed by then); satisfaction: share of the month's ratings that are satisfied or basically satisfied."))</p>
        <p><a href="\(SiteURL.Deliberation.list(query: []).path)">\(req.t("返回议题列表", "Back to the topics"))</a></p>
        """)
    }
}
