import Fluent
import JingzhiCore
import Vapor

/// The monthly report (月度通报 / 擂台赛) in the browser: `/reports/monthly` (page), `.csv` and `.xlsx` (for Excel),
/// `/print` (A4).
enum MonthlyReportPages {
    static let roles: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Measures.Pattern
        web.get(P.monthly, use: page)
        web.get(P.monthlyCSV, use: csv)
        web.get(P.monthlyXLSX, use: xlsx)
        web.get(P.monthlyPrint, use: printable)
    }

    /// The report asked for: `node` (default: the viewer's own street or community) and `month` (default: last month).
    static func load(_ req: Request) async throws -> MonthlyReport {
        let actor = try req.requireActor()
        guard roles.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden", "月度通报仅供管理员、街道和社区工作人员查看 (reports are for county, street and community staff)")
        }
        let raw = (try req.query.get(String?.self, at: "node")) ?? nil
        var node = try await CommandCentreAccess.node(req, raw: raw)
        if node == nil {
            // The whole tree: the first county.
            node = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.county.rawValue).sort(\.$path).first()
        }
        guard let node else { throw APIError.notFound }
        let month = ((try req.query.get(String?.self, at: "month")) ?? nil).flatMap { $0.isEmpty ? nil : $0 }
            ?? ShanghaiTime.month(String(ShanghaiTime.today(req.now).prefix(7)), plus: -1)
        return try await MonthlyReportService(db: req.db, now: req.now, visits: req.application.commandCentre.visits).report(node: node, month: month)
    }

    static func percent(_ v: Double?) -> String { CommandCentreViews.percent(v) }

    @Sendable static func page(req: Request) async throws -> HTML {
        let r = try await load(req)
        let q = [("node", r.node.id.uuidString), ("month", r.month)]
        let months = (0..<12).map { ShanghaiTime.month(String(ShanghaiTime.today(req.now).prefix(7)), plus: -$0) }
        let body: HTML = """
        <link rel="stylesheet" href="\(SiteURL.CommandCentre.stylesheet.path)">
        <form method="get" action="\(SiteURL.Measures.monthly(query: []).path)" class="filters card"><input type="hidden" name="node" value="\(r.node.id.uuidString)">
        \(Form.select(req.t("月份", "Month"), name: "month", options: months.map { ($0, $0) }, selected: r.month))
        <button>\(req.t("查看", "Show"))</button></form>
        <p class="actions"><a class="button secondary" href="\(SiteURL.Measures.monthlyCSV(query: q).path)">\(req.t("下载 CSV", "Download CSV"))</a>
        <a class="button secondary" href="\(SiteURL.Measures.monthlyXLSX(query: q).path)">\(req.t("下载 Excel", "Download Excel"))</a>
        <a class="button secondary" href="\(SiteURL.Measures.monthlyPrint(query: q).path)">\(req.t("打印版（A4）", "Print (A4)"))</a>
        <a href="\(SiteURL.CommandCentre.desk(query: [("node", r.node.id.uuidString)]).path)">\(req.t("指挥中心", "Command centre"))</a></p>
        \(content(req, r))
        """
        return Layout(req: req, title: title(req, r), wide: true).render(body)
    }

    static func title(_ req: Request, _ r: MonthlyReport) -> String {
        req.t("\(r.node.name) \(r.month) 月度通报", "\(r.node.name) monthly report \(r.month)")
    }

    static func unitLabel(_ req: Request, _ kind: String) -> String {
        switch kind {
        case "street": req.t("街道", "Street")
        case "community": req.t("社区", "Community")
        default: req.t("网格", "Grid")
        }
    }

    /// The report's body, the same on the page and the print page.
    static func content(_ req: Request, _ r: MonthlyReport) -> HTML {
        let t = r.totals
        let figures: [(String, String)] = [
            (req.t("诉求总数", "Cases"), String(t.counts.total)), (req.t("响应率", "Response rate"), percent(t.responseRate)),
            (req.t("解决率", "Resolution rate"), percent(t.resolutionRate)), (req.t("满意率", "Satisfaction rate"), percent(t.satisfactionRate)),
            (req.t("按时办结率", "On-time rate"), percent(t.onTimeRate)), (req.t("小事不出网格", "Closed in the grid"), percent(t.gridClosureShare)),
            (req.t("走访覆盖率", "Visits coverage"), r.visitsAvailable ? percent(r.visitsCoverage) : req.t("暂无走访数据", "No visit data")),
        ]
        let unit = unitLabel(req, r.unitKind)
        func counts(_ rows: [MonthlyReport.Count], _ head: String) -> HTML {
            let total = max(1, rows.reduce(0) { $0 + $1.count })
            return """
            <table><thead><tr><th>\(head)</th><th class="num">\(req.t("件数", "Cases"))</th><th class="num">\(req.t("占比", "Share"))</th></tr></thead><tbody>
            \(rows.isEmpty ? ["<tr><td colspan=\"3\" class=\"muted\">\(req.t("本月没有诉求", "No cases this month"))</td></tr>"] : rows.map { c -> HTML in
                "<tr><td>\(c.name)</td><td class=\"num\">\(c.count)</td><td class=\"num\">\(String(format: "%.1f%%", Double(c.count) * 100 / Double(total)))</td></tr>"
            })</tbody></table>
            """
        }
        return """
        <div class="report">
        <p class="muted">\(req.t("统计口径：\(r.from) 至 \(r.to) 登记的诉求；指标定义见考核统计页。生成于 \(ShanghaiTime.format(r.asOf))", "Cases created \(r.from) to \(r.to); definitions on the measures page. Made \(ShanghaiTime.format(r.asOf))"))</p>
        <section><h2>\(req.t("总体", "Overall"))</h2><div class="figures">\(figures.map { k, v -> HTML in "<div>\(k)<b>\(v)</b></div>" })</div></section>
        <section><h2>\(req.t("\(unit)擂台赛", "\(unit) ranking"))</h2>
        <table class="ranking"><thead><tr><th class="num">\(req.t("名次", "Rank"))</th><th>\(unit)</th><th class="num">\(req.t("诉求数", "Cases"))</th>
        <th class="num">\(req.t("响应率", "Response"))</th><th class="num">\(req.t("解决率", "Resolution"))</th><th class="num">\(req.t("满意率", "Satisfaction"))</th>
        <th class="num">\(req.t("按时办结率", "On time"))</th><th class="num">\(req.t("小事不出网格", "In grid"))</th><th class="num">\(req.t("走访覆盖率", "Visits"))</th>
        <th class="num">\(req.t("综合得分", "Score"))</th></tr></thead><tbody>
        \(r.units.map { u -> HTML in """
        <tr><td class="num">\(u.rank.map(String.init) ?? "—")</td><td>\(u.name)</td><td class="num">\(u.cases)</td><td class="num">\(percent(u.responseRate))</td>
        <td class="num">\(percent(u.resolutionRate))</td><td class="num">\(percent(u.satisfactionRate))</td><td class="num">\(percent(u.onTimeRate))</td>
        <td class="num">\(percent(u.gridClosureShare))</td><td class="num">\(r.visitsAvailable ? percent(u.visitsCoverage) : "—")</td><td class="num">\(percent(u.score))</td></tr>
        """ })</tbody></table>
        <p class="muted">\(req.t("综合得分为响应率、解决率、满意率、按时办结率中可计算者的平均值；无诉求的单位不排名。", "Score: the mean of the response, resolution, satisfaction and on-time rates that can be measured; units without cases are not ranked."))</p></section>
        <div class="grid2"><section><h2>\(req.t("按类别", "By category"))</h2>\(counts(r.byCategory, req.t("类别", "Category")))</section>
        <section><h2>\(req.t("按来源渠道", "By channel"))</h2>\(counts(r.byChannel, req.t("渠道", "Channel")))</section></div>
        <section><h2>\(req.t("问题突出小区（前 \(MonthlyReportService.topCompounds) 名）", "Compounds with the most cases (top \(MonthlyReportService.topCompounds))"))</h2>
        <table><thead><tr><th class="num">#</th><th>\(req.t("小区", "Compound"))</th><th class="num">\(req.t("诉求数", "Cases"))</th><th>\(req.t("最多的类别", "Top category"))</th></tr></thead><tbody>
        \(r.topCompounds.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("本月没有诉求", "No cases this month"))</td></tr>"] : r.topCompounds.enumerated().map { i, c -> HTML in
            "<tr><td class=\"num\">\(i + 1)</td><td>\(c.name)</td><td class=\"num\">\(c.cases)</td><td>\(c.topCategory)</td></tr>"
        })</tbody></table></section>
        </div>
        """
    }

    /// The A4 page: no site chrome, print styles, a print button that does not print.
    @Sendable static func printable(req: Request) async throws -> HTML {
        let r = try await load(req)
        return """
        <!doctype html>
        <html lang="\(req.lang == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title(req, r))</title><link rel="stylesheet" href="\(SiteURL.stylesheet.path)"><link rel="stylesheet" href="\(SiteURL.CommandCentre.stylesheet.path)">
        <script src="\(SiteURL.script.path)" defer></script></head>
        <body class="print"><p class="no-print actions"><button type="button" data-print>\(req.t("打印", "Print"))</button>
        <a href="\(SiteURL.Measures.monthly(query: [("node", r.node.id.uuidString), ("month", r.month)]).path)">\(req.t("返回", "Back"))</a></p>
        <h1>\(title(req, r))</h1>
        \(content(req, r))
        </body></html>
        """
    }

    static let csvHeader = ["部分", "名次", "代码", "名称", "诉求数", "响应率", "解决率", "满意率", "按时办结率", "小事不出网格", "走访覆盖率", "综合得分"]

    /// One table for Excel: the totals, the ranking, then the counts by category, by channel and the top compounds.
    /// Counts are numbers and rates percentages (0.953 shown as 95.3%).
    static func rows(_ r: MonthlyReport) -> [[SpreadsheetCell]] {
        func p(_ v: Double?) -> SpreadsheetCell { v.map { .percent($0) } ?? .empty }
        func n(_ v: Int) -> SpreadsheetCell { .number(Double(v)) }
        let blanks = [SpreadsheetCell](repeating: .empty, count: 7)
        let t = r.totals
        var out: [[SpreadsheetCell]] = [[.text("合计"), .empty, .text(r.node.code), .text(r.node.name), n(t.counts.total), p(t.responseRate),
                                         p(t.resolutionRate), p(t.satisfactionRate), p(t.onTimeRate), p(t.gridClosureShare), p(r.visitsCoverage), .empty]]
        let unit = ["street": "街道", "community": "社区"][r.unitKind] ?? "网格"
        for u in r.units {
            out.append([.text(unit), u.rank.map(n) ?? .empty, .text(u.code), .text(u.name), n(u.cases), p(u.responseRate), p(u.resolutionRate),
                        p(u.satisfactionRate), p(u.onTimeRate), p(u.gridClosureShare), p(u.visitsCoverage), p(u.score)])
        }
        for c in r.byCategory { out.append([.text("类别"), .empty, .text(c.key), .text(c.name), n(c.count)] + blanks) }
        for c in r.byChannel { out.append([.text("渠道"), .empty, .text(c.key), .text(c.name), n(c.count)] + blanks) }
        for (i, c) in r.topCompounds.enumerated() {
            out.append([.text("问题突出小区"), n(i + 1), .empty, .text(c.name + "（" + c.topCategory + "）"), n(c.cases)] + blanks)
        }
        return out
    }

    static func csvText(_ r: MonthlyReport) -> String {
        rows(r).reduce(CSV.utf8BOM + CSV.line(csvHeader)) { $0 + CSV.line($1.map(\.string)) }
    }

    @Sendable static func csv(req: Request) async throws -> Response {
        let r = try await load(req)
        return Response.csv(csvText(r), filename: "report-\(r.node.code)-\(r.month).csv")
    }

    @Sendable static func xlsx(req: Request) async throws -> Response {
        let r = try await load(req)
        let data = try Spreadsheet.write(sheet: "月度通报 \(r.month)", header: csvHeader, rows: rows(r), modified: req.now)
        return Response.xlsx(data, filename: "report-\(r.node.code)-\(r.month).xlsx")
    }
}
