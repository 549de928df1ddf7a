import Foundation
import JingzhiCore
import Vapor

/// 办件统计: applications per matter and the share decided on time, in the viewer's area, for a period.
enum ServiceMeasuresPage {
    /// `from`/`to` days from the query; the last 90 days by default.
    static func period(_ req: Request) throws -> (String, String) {
        let today = ShanghaiTime.today(req.now)
        let rawFrom = (try? req.query.get(String?.self, at: "from")) ?? nil, rawTo = (try? req.query.get(String?.self, at: "to")) ?? nil
        let to = rawTo?.isEmpty == false ? try ShanghaiTime.parseDay(rawTo, field: "to") : today
        let from = rawFrom?.isEmpty == false ? try ShanghaiTime.parseDay(rawFrom, field: "from") : ShanghaiTime.add(-89, to: to)
        guard from <= to else { throw APIError.invalid("from", "开始日期不能晚于结束日期 (from must not be after to)") }
        return (from, to)
    }

    static func percent(_ share: Double?) -> String { share.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard ServiceAccess.handlerRoles.contains(actor.role) else { throw APIError.forbidden }
        let (from, to) = try period(req)
        let lines = try await ServiceMeasures(db: req.db).perMatter(in: actor.scope, from: ShanghaiTime.dayStart(from),
                                                                    to: ShanghaiTime.dayStart(ShanghaiTime.add(1, to: to)))
        let decided = lines.reduce(0) { $0 + $1.decided }, onTime = lines.reduce(0) { $0 + $1.onTime }
        let rows = lines.map { l -> HTML in
            """
            <tr><td data-label="\(req.t("事项", "Matter"))">\(l.matter)</td><td data-label="\(req.t("申请", "Applications"))">\(l.applications)</td>
            <td data-label="\(req.t("办结", "Decided"))">\(l.decided)</td><td data-label="\(req.t("通过", "Approved"))">\(l.approved)</td>
            <td data-label="\(req.t("按时办结率", "On time"))">\(percent(l.onTimeShare))</td><td data-label="\(req.t("超期未结", "Overdue open"))">\(l.overdueOpen)</td></tr>
            """
        }
        return Layout(req: req, title: req.t("办件统计", "Service measures"), wide: true).render("""
        <form method="get" class="filters card">\(Form.field(req.t("开始日期", "From"), name: "from", value: from, type: "date"))
        \(Form.field(req.t("结束日期", "To"), name: "to", value: to, type: "date"))<button>\(req.t("查询", "Show"))</button></form>
        <div class="stats"><div class="stat"><span class="muted">\(req.t("申请", "Applications"))</span><b>\(lines.reduce(0) { $0 + $1.applications })</b></div>
        <div class="stat"><span class="muted">\(req.t("办结", "Decided"))</span><b>\(decided)</b></div>
        <div class="stat"><span class="muted">\(req.t("按时办结率", "Decided on time"))</span><b id="on-time">\(percent(decided == 0 ? nil : Double(onTime) / Double(decided)))</b></div></div>
        <div class="table-wrap"><table class="list stack" id="per-matter"><thead><tr><th>\(req.t("事项", "Matter"))</th><th>\(req.t("申请", "Applications"))</th>
        <th>\(req.t("办结", "Decided"))</th><th>\(req.t("通过", "Approved"))</th><th>\(req.t("按时办结率", "On time"))</th><th>\(req.t("超期未结", "Overdue open"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("该时段没有申请", "No applications in this period"))</td></tr>"] : rows)</tbody></table></div>
        <p><a href="\(SiteURL.Services.index().path)">\(req.t("返回便民办事", "Back to services"))</a></p>
        """)
    }
}
